// config/compare.h: every field that changes behaviour makes two sections differ, and only
// the source position does not. (A field added to config.h without being classified does not
// compile: config/compare.cpp binds every field by name.)
#include "config/compare.h"

#include <catch2/catch.hpp>
#include <functional>
#include <vector>

using namespace farmgate;
using namespace farmgate::config;

namespace {

template <typename T>
void each_change_differs(const T& base, const std::vector<std::function<void(T&)>>& changes) {
  for (std::size_t i = 0; i < changes.size(); ++i) {
    T changed = base;
    changes[i](changed);
    INFO("change #" << i);
    CHECK(changed != base);
  }
  T moved = base;
  moved.pos = SourcePos{"elsewhere.yaml", 99, 9};
  CHECK(moved == base);
}

}  // namespace

TEST_CASE("every point field but its position counts in a comparison", "[config][compare]") {
  Point p;
  each_change_differs<Point>(p, {
      [](Point& x) { x.name = "n"; }, [](Point& x) { x.id = "d.n"; },
      [](Point& x) { x.table = Table::coil; }, [](Point& x) { x.address = 7; },
      [](Point& x) { x.type = ValueType::float32; }, [](Point& x) { x.order = ByteOrder::DCBA; },
      [](Point& x) { x.scale = 0.1; }, [](Point& x) { x.offset = 1; },
      [](Point& x) { x.unit = "mg/L"; }, [](Point& x) { x.valid_min = 0; },
      [](Point& x) { x.valid_max = 25; }, [](Point& x) { x.writable = true; },
  });
}

TEST_CASE("every device and bus field but its position counts in a comparison",
          "[config][compare]") {
  Device d;
  each_change_differs<Device>(d, {
      [](Device& x) { x.name = "n"; }, [](Device& x) { x.bus = "b"; },
      [](Device& x) { x.unit = 3; }, [](Device& x) { x.poll = Duration{1}; },
      [](Device& x) { x.stale_after = Duration{1}; }, [](Device& x) { x.max_registers = 8; },
      [](Device& x) { x.max_gap = 2; }, [](Device& x) { x.profile = "p"; },
      [](Device& x) { x.points.emplace_back(); },
  });
  Bus b;
  each_change_differs<Bus>(b, {
      [](Bus& x) { x.name = "n"; }, [](Bus& x) { x.link = TcpSettings{}; },
      [](Bus& x) { std::get<RtuSettings>(x.link).device = "/dev/ttyUSB1"; },
      [](Bus& x) { std::get<RtuSettings>(x.link).baud = 19200; },
      [](Bus& x) { std::get<RtuSettings>(x.link).parity = 'E'; },
      [](Bus& x) { std::get<RtuSettings>(x.link).data_bits = 7; },
      [](Bus& x) { std::get<RtuSettings>(x.link).stop_bits = 2; },
      [](Bus& x) { std::get<RtuSettings>(x.link).rs485 = true; },
      [](Bus& x) { x.timeout = Duration{1}; }, [](Bus& x) { x.gap = Duration{1}; },
      [](Bus& x) { x.retries = 5; },
  });
  Bus tcp;
  tcp.link = TcpSettings{};
  each_change_differs<Bus>(tcp, {
      [](Bus& x) { std::get<TcpSettings>(x.link).host = "10.0.0.2"; },
      [](Bus& x) { std::get<TcpSettings>(x.link).port = 5020; },
  });
}

TEST_CASE("every uplink field but its position counts in a comparison", "[config][compare]") {
  Uplink u;
  each_change_differs<Uplink>(u, {
      [](Uplink& x) { x.urls = {"mqtt://h"}; }, [](Uplink& x) { x.client_id = "c"; },
      [](Uplink& x) { x.username = "u"; }, [](Uplink& x) { x.password_file = "p"; },
      [](Uplink& x) { x.ca_file = "c"; }, [](Uplink& x) { x.cert_file = "c"; },
      [](Uplink& x) { x.key_file = "k"; }, [](Uplink& x) { x.topic_prefix = "t"; },
      [](Uplink& x) { x.max_batch = 1; }, [](Uplink& x) { x.publish_interval = Duration{1}; },
      [](Uplink& x) { x.status_interval = Duration{1}; },
      [](Uplink& x) { x.allow_insecure = true; },
  });
}

TEST_CASE("every gateway and storage field counts in a comparison", "[config][compare]") {
  Gateway g;
  for (auto change : std::vector<std::function<void(Gateway&)>>{
           [](Gateway& x) { x.id = "i"; }, [](Gateway& x) { x.site = "s"; },
           [](Gateway& x) { x.timezone = "UTC"; }}) {
    Gateway c = g;
    change(c);
    CHECK(c != g);
  }
  Storage s;
  for (auto change : std::vector<std::function<void(Storage&)>>{
           [](Storage& x) { x.path = "p"; }, [](Storage& x) { x.max_size = 1; },
           [](Storage& x) { x.commit_interval = Duration{1}; },
           [](Storage& x) { x.keep_sent = Duration{1}; }}) {
    Storage c = s;
    change(c);
    CHECK(c != s);
  }
}
