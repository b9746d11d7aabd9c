// What the uplink tests share: a small config (a DO probe and a relay board), readings, and
// a gateway on a loop thread with a real store in a TempDir.
#pragma once

#include <memory>
#include <string>

#include "config/config.h"
#include "store/store.h"
#include "tests/support/temp_dir.h"
#include "tests/uplink/loop_thread.h"
#include "uplink/uplink.h"

namespace farmgate::test {

// gateway gw-test; points pond1_do.do (float32, mg/L, read-only),
// pond1_relay.aerator (coil, writable), pond1_relay.setpoint (holding uint16, writable).
// uplink (when url is not empty): topic_prefix farmgate, the given batch size and intervals.
config::Config uplink_config(const std::string& url, const std::string& db_path,
                             int max_batch = 500, int publish_ms = 100, int status_ms = 60000);

Reading do_reading(std::int64_t ts_ms, double value);

// A store, a loop and an uplink, wired as the daemon does. Store and uplink live on the loop.
struct Gateway {
  Gateway(const config::Config& config, uplink::Uplink::CommandHandler commands = nullptr);
  ~Gateway();

  void add_readings(int n, std::int64_t first_ts = 1764320400000);  // add + commit, on the loop
  void add_event(const Event& e);
  store::BufferStats stats();
  void start();  // the uplink, on the loop; returns once it is connected
  bool connected();
  std::string last_error();
  std::string broker();  // the uplink's broker in use ("" when not connected)

  config::Config config;
  LoopThread loop;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<uplink::Uplink> uplink;
};

std::string topic(const std::string& leaf);  // farmgate/gw-test/LEAF

// A command handler that answers every command ok and keeps them, in order. It runs on the
// gateway's loop: read `seen` there (gw.loop.on_loop).
struct AcceptingHandler {
  std::shared_ptr<std::vector<uplink::Command>> seen =
      std::make_shared<std::vector<uplink::Command>>();
  uplink::Uplink::CommandHandler handler() {
    return [seen = seen](const uplink::Command& c, uplink::Uplink::Reply reply) {
      seen->push_back(c);
      reply(uplink::Outcome{true, "", nullptr});
    };
  }
};

}  // namespace farmgate::test
