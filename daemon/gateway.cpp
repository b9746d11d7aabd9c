#include "daemon/gateway.h"

#include <csignal>
#include <fstream>
#include <sstream>
#include <tuple>

#include <boost/asio/post.hpp>

#include "common/clock.h"
#include "common/log.h"
#include "daemon/format.h"
#include "daemon/systemd_notify.h"

namespace farmgate::daemon {
namespace {

constexpr Duration kTickEvery{1000};  // the engine also ticks after every poll result

// The actuators whose state must be known before the engine drives anything: the declared
// ones and every point a rule sets.
std::vector<std::string> actuator_points(const rules::RuleSet& rs) {
  std::vector<std::string> points;
  auto add = [&](const std::string& p) {
    for (const auto& q : points)
      if (q == p) return;
    points.push_back(p);
  };
  for (const auto& a : rs.actuators) add(a.point);
  for (const auto& r : rs.rules)
    for (const auto& s : r.set) add(s.point);
  return points;
}

std::vector<config::Device> devices_on(const config::Config& cfg, const std::string& bus) {
  std::vector<config::Device> out;
  for (const auto& d : cfg.devices)
    if (d.bus == bus) out.push_back(d);
  return out;
}

// Equality of what a BusOwner was built from (source positions left out).
bool same_link(const config::Bus& a, const config::Bus& b) {
  if (a.is_rtu() != b.is_rtu()) return false;
  if (a.is_rtu()) {
    const auto &x = std::get<config::RtuSettings>(a.link), &y = std::get<config::RtuSettings>(b.link);
    return std::tie(x.device, x.baud, x.parity, x.data_bits, x.stop_bits, x.rs485) ==
           std::tie(y.device, y.baud, y.parity, y.data_bits, y.stop_bits, y.rs485);
  }
  const auto &x = std::get<config::TcpSettings>(a.link), &y = std::get<config::TcpSettings>(b.link);
  return std::tie(x.host, x.port) == std::tie(y.host, y.port);
}

bool same_bus(const config::Bus& a, const config::Bus& b) {
  return same_link(a, b) && std::tie(a.name, a.timeout, a.gap, a.retries) ==
                                std::tie(b.name, b.timeout, b.gap, b.retries);
}

bool same_point(const config::Point& a, const config::Point& b) {
  return std::tie(a.name, a.id, a.table, a.address, a.type, a.order, a.scale, a.offset, a.unit,
                  a.valid_min, a.valid_max, a.writable) ==
         std::tie(b.name, b.id, b.table, b.address, b.type, b.order, b.scale, b.offset, b.unit,
                  b.valid_min, b.valid_max, b.writable);
}

bool same_devices(const std::vector<config::Device>& a, const std::vector<config::Device>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto &x = a[i], &y = b[i];
    if (std::tie(x.name, x.bus, x.unit, x.poll, x.stale_after, x.max_registers, x.max_gap) !=
            std::tie(y.name, y.bus, y.unit, y.poll, y.stale_after, y.max_registers, y.max_gap) ||
        x.points.size() != y.points.size())
      return false;
    for (size_t j = 0; j < x.points.size(); ++j)
      if (!same_point(x.points[j], y.points[j])) return false;
  }
  return true;
}

std::string file_content(const std::string& path) {
  if (path.empty()) return "";
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Everything an Uplink reads when it is built: equal keys mean the running one can stay.
// The files' contents count too (a rotated password or certificate needs a new connection).
std::string uplink_key(const config::Config& cfg) {
  if (!cfg.uplink) return "";
  const config::Uplink& u = *cfg.uplink;
  std::ostringstream k;
  for (const std::string* f : {&cfg.gateway.id, &u.url, &u.client_id, &u.username, &u.topic_prefix})
    k << f->size() << ':' << *f << '|';
  for (const std::string* f : {&u.password_file, &u.ca_file, &u.cert_file, &u.key_file}) {
    const std::string c = file_content(*f);
    k << f->size() << ':' << *f << '|' << c.size() << ':' << c << '|';
  }
  k << u.max_batch << '|' << u.publish_interval.count() << '|' << u.status_interval.count() << '|'
    << u.allow_insecure;
  return k.str();
}

void log_event(const Event& e) {
  const auto& f = e.fields;
  auto text = [&](const char* k) { return f.contains(k) ? f[k].dump() : std::string(); };
  if (e.type == "actuator" && f.contains("value"))
    log::info("actuator ", f.value("point", ""), " -> ", text("value"), " (", f.value("reason", ""), ")");
  else if (e.type == "alarm")
    log::warning("alarm ", f.value("name", ""), " ", f.value("state", ""), ": ", f.value("message", ""));
  else
    log::warning(e.type, " event: ", f.dump());
}

}  // namespace

Gateway::Gateway(boost::asio::io_context& io, std::string config_path, Setup setup)
    : io_(io),
      config_path_(std::move(config_path)),
      setup_(std::move(setup)),
      started_ms_(wall_ms()),
      commit_timer_(io),
      tick_timer_(io),
      watchdog_timer_(io),
      signals_(io, SIGTERM, SIGINT, SIGHUP) {}

Gateway::~Gateway() { stop_parts(); }

void Gateway::start() {
  store_ = store::Store::open(setup_.config->storage);
  start_parts();
  site_ = std::make_unique<http::Site>(
      io_, *setup_.config, [this] { return page_status(); },
      [this](const uplink::Command& c, http::Site::Reply reply) { handle_command(c, std::move(reply)); },
      [this](Event e) { record(std::move(e)); });
  site_->start();
  arm(commit_timer_, setup_.config->storage.commit_interval, &Gateway::commit);
  arm(tick_timer_, kTickEvery, &Gateway::tick);
  if (auto every = systemd::watchdog_interval()) arm(watchdog_timer_, *every, &Gateway::on_watchdog);
  wait_for_signal();
  log::info("farmgate ", FARMGATE_VERSION, " running: ", setup_.config->devices.size(),
            " devices on ", setup_.config->buses.size(), " buses, buffer ",
            setup_.config->storage.path);
  systemd::ready("polling " + std::to_string(setup_.config->devices.size()) + " devices");
}

void Gateway::start_parts(const rules::Engine* previous) {
  const config::Config& cfg = *setup_.config;
  ++*generation_;
  const auto now = std::chrono::steady_clock::now();

  rules::EngineOptions options;
  std::string tz_error;
  if (auto tz = rules::TimeZone::load(cfg.gateway.timezone, &tz_error)) {
    options.timezone = *tz;
  } else {
    log::warning("timezone '", cfg.gateway.timezone, "': ", tz_error, "; schedules use UTC");
  }
  engine_ = std::make_unique<rules::Engine>(cfg, setup_.rules, now, options);
  if (previous)
    for (const auto& note : engine_->import_state(previous->export_state(), now)) log::warning("reload: ", note);
  actuators_read_ = false;

  for (const auto& bus : cfg.buses) {
    std::vector<config::Device> devices = devices_on(cfg, bus.name);
    if (devices.empty()) continue;
    bool running = false;
    for (const auto& slot : buses_) running = running || slot.bus.name == bus.name;
    if (running) continue;  // kept by reload(): same settings, same devices
    auto live = std::make_shared<bool>(true);
    auto owner = std::make_unique<modbus::BusOwner>(
        io_, bus, devices, [this, live](modbus::DevicePoll poll) {
          if (*live && !stopping_) on_poll(poll);
        });
    owner->start();
    buses_.push_back(BusSlot{std::move(owner), live, bus, std::move(devices)});
  }
  read_actuator_states();

  if (cfg.uplink && uplink_) {
    uplink_->set_config(cfg);  // kept by reload(): same connection
  } else if (cfg.uplink) {
    uplink_ = std::make_unique<uplink::Uplink>(
        io_, cfg, *store_, [this] { return status_snapshot(); },
        [this](const uplink::Command& c, uplink::Uplink::Reply reply) {
          handle_command(c, std::move(reply));
        });
    uplink_key_ = uplink_key(cfg);
    uplink_->start();
  }
}

void Gateway::stop_parts() {
  for (auto& b : buses_) {
    *b.live = false;
    b.owner->stop();
  }
  buses_.clear();
  if (uplink_) uplink_->stop();
  uplink_.reset();
}

// Spec §4: on start the daemon reads actuators' actual state before it drives them. A state
// that cannot be read stays unknown; the engine then drives the actuator to its decision.
// After a reload only the actuators whose state the engine does not know (new ones, or
// unreadable so far) are read: the others keep their state and the time it was set.
void Gateway::read_actuator_states() {
  auto remaining = std::make_shared<size_t>(0);
  const int gen = *generation_;
  std::map<modbus::BusOwner*, std::vector<std::string>> by_bus;
  for (const auto& p : actuator_points(setup_.rules))
    if (auto* bus = bus_for_point(p); bus && !engine_->actuator_state(p)) by_bus[bus].push_back(p);
  *remaining = by_bus.size();
  if (by_bus.empty()) {
    actuators_read_ = true;
    return;
  }
  for (auto& [bus, ids] : by_bus) {
    bus->read(ids, [this, remaining, gen](std::vector<Reading> readings) {
      if (gen != *generation_) return;
      const auto now = std::chrono::steady_clock::now();
      for (const auto& r : readings) {
        if (r.quality == Quality::error || !r.value) {
          log::warning("actuator ", r.point, ": state not readable at start (", r.error, ")");
          continue;
        }
        engine_->on_actuator_state(r.point, *r.value, now);
        log::info("actuator ", r.point, " is ", format_reading(r), " at start");
      }
      if (--*remaining == 0) {
        actuators_read_ = true;
        tick();
      }
    });
  }
}

void Gateway::on_poll(const modbus::DevicePoll& poll) {
  auto& h = health_[poll.device];
  if (poll.ok) {
    ++h.ok;
  } else {
    ++h.errors;
    h.last_error = poll.error;
    if (poll.consecutive_failures == 1) {
      log::warning("device ", poll.device, ": ", poll.error);
      record(fault_event(wall_ms(), "device", poll.error, poll.device));
    }
  }
  const auto now = std::chrono::steady_clock::now();
  for (const auto& r : poll.readings) {
    live_.on_reading(r);
    engine_->on_reading(r, now);
    store_->add(r);
  }
  tick();
}

void Gateway::tick() {
  if (stopping_ || !engine_ || !actuators_read_) return;
  rules::Decisions d = engine_->tick(std::chrono::steady_clock::now(), wall_ms());
  for (auto& e : d.events) record(std::move(e));
  for (const auto& w : d.writes) execute(w);
}

void Gateway::execute(const rules::Write& w) {
  modbus::BusOwner* bus = bus_for_point(w.point);
  if (!bus) return;
  // The result goes to the engine running when it comes: after a reload that is the new one,
  // which took over this write's retry state (a write cut off by a bus restart is retried).
  bus->write(w.point, w.value, [this, point = w.point](modbus::WriteResult result) {
    if (stopping_ || !engine_) return;
    std::optional<double> readback;
    if (result.readback && result.readback->value) readback = *result.readback->value;
    if (!result.ok) log::warning("write ", point, ": ", result.error);
    for (auto& e : engine_->on_write_result(point, result.ok, readback,
                                            std::chrono::steady_clock::now(), wall_ms()))
      record(std::move(e));
  });
}

void Gateway::record(Event e) {
  log_event(e);
  live_.on_event(e);
  store_->add(std::move(e));
}

void Gateway::commit() {
  if (store_->commit()) {
    if (commit_failing_) log::info("buffer writable again");
    commit_failing_ = false;
    return;
  }
  if (!commit_failing_) {
    log::error("cannot commit the buffer ", setup_.config->storage.path,
               ": readings are kept in memory and retried");
    // Queued, so it reaches the platform once the buffer takes writes again.
    store_->add(fault_event(wall_ms(), "storage",
                            "cannot write the buffer " + setup_.config->storage.path));
  }
  commit_failing_ = true;
}

void Gateway::handle_command(const uplink::Command& c, uplink::Uplink::Reply reply) {
  const auto now = std::chrono::steady_clock::now();
  switch (c.op) {
    case uplink::Op::set: {
      rules::CommandResult r = engine_->set_override(c.point, c.value, c.hold, c.id, now);
      reply(uplink::Outcome{r.ok, r.error, nullptr});
      tick();
      return;
    }
    case uplink::Op::release: {
      rules::CommandResult r = engine_->release(c.point, c.id);
      reply(uplink::Outcome{r.ok, r.error, nullptr});
      tick();
      return;
    }
    case uplink::Op::read: {
      modbus::BusOwner* bus = bus_for_point(c.point);
      if (!bus) return reply(uplink::Outcome{false, "no bus serves " + c.point, nullptr});
      bus->read({c.point}, [reply](std::vector<Reading> rs) {
        const Reading& r = rs.front();
        if (r.quality == Quality::error) return reply(uplink::Outcome{false, r.error, nullptr});
        nlohmann::json extra = {{"quality", to_string(r.quality)}, {"ts", r.ts_ms}};
        extra["value"] = r.boolean ? nlohmann::json(*r.value != 0) : nlohmann::json(*r.value);
        if (!r.unit.empty()) extra["unit"] = r.unit;
        reply(uplink::Outcome{true, "", extra});
      });
      return;
    }
    case uplink::Op::status:
      // The figures of the periodic status, every configured device included.
      reply(uplink::Outcome{true, "", uplink::status_figures(status_snapshot(), store_->stats())});
      return;
  }
}

uplink::StatusSnapshot Gateway::status_snapshot() const {
  uplink::StatusSnapshot s;
  s.version = FARMGATE_VERSION;
  s.started_ms = started_ms_;
  s.config_sha256 = setup_.fingerprint;
  for (const auto& d : setup_.config->devices) {
    auto it = health_.find(d.name);
    s.devices[d.name] = it == health_.end() ? uplink::DeviceHealth{} : it->second;
  }
  return s;
}

nlohmann::json Gateway::page_status() const {
  const rules::EngineState engine = engine_ ? engine_->export_state() : rules::EngineState{};
  http::StatusInputs in;
  in.config = &*setup_.config;
  in.rules = &setup_.rules;
  in.engine = engine_ ? &engine : nullptr;
  in.live = &live_;
  in.snapshot = status_snapshot();
  in.buffer = store_->stats();
  in.uplink.configured = uplink_ != nullptr;
  if (uplink_) {
    in.uplink.connected = uplink_->connected();
    in.uplink.last_error = uplink_->last_error();
    in.uplink.in_flight = uplink_->in_flight();
  }
  in.now = std::chrono::steady_clock::now();
  in.wall_ms = wall_ms();
  return http::status_json(in);
}

modbus::BusOwner* Gateway::bus_for_point(const std::string& point_id) {
  const config::Device* device = nullptr;
  if (!setup_.config->find_point(point_id, &device)) return nullptr;
  for (auto& b : buses_)
    if (b.owner->bus_name() == device->bus) return b.owner.get();
  return nullptr;
}

void Gateway::arm(boost::asio::steady_timer& t, Duration every, void (Gateway::*what)()) {
  t.expires_after(every);
  t.async_wait([this, &t, every, what](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    (this->*what)();
    arm(t, every, what);
  });
}

void Gateway::on_watchdog() { systemd::watchdog(); }

void Gateway::wait_for_signal() {
  signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    if (sig == SIGHUP) {
      reload();
      wait_for_signal();
    } else {
      log::info("signal ", sig, ": stopping");
      stop();
    }
  });
}

void Gateway::reload() {
  systemd::reloading();
  log::info("reloading ", config_path_);
  Setup next = load_setup(config_path_);
  if (!next.ok()) {
    std::string first;
    size_t errors = 0;
    for (const auto& d : next.diagnostics.all()) {
      log::write(d.severity == config::Diagnostic::Severity::error ? log::Level::error
                                                                 : log::Level::warning,
                 d.str());
      if (d.severity == config::Diagnostic::Severity::error && errors++ == 0) first = d.str();
    }
    record(config_event(wall_ms(), false,
                        std::to_string(errors) + " error(s), running config kept; first: " + first));
    systemd::ready("reload rejected; running config kept");
    return;
  }
  for (const auto& d : next.diagnostics.all()) log::warning(d.str());
  if (next.config->storage.path != setup_.config->storage.path)
    log::warning("storage.path changed: takes effect at the next start");
  next.config->storage = setup_.config->storage;  // the open buffer stays

  // Buses whose settings and devices did not change keep polling; the others stop here and
  // start_parts() starts the new ones.
  std::vector<BusSlot> kept;
  for (auto& slot : buses_) {
    const config::Bus* b = next.config->find_bus(slot.bus.name);
    if (b && same_bus(*b, slot.bus) && same_devices(devices_on(*next.config, b->name), slot.devices)) {
      kept.push_back(std::move(slot));
    } else {
      log::info("bus ", slot.bus.name, " changed: restarting it");
      *slot.live = false;
      slot.owner->stop();
    }
  }
  buses_ = std::move(kept);
  if (uplink_ && uplink_key(*next.config) != uplink_key_) {
    log::info("uplink settings changed: reconnecting");
    uplink_->stop();
    uplink_.reset();
  }
  std::unique_ptr<rules::Engine> previous = std::move(engine_);
  setup_ = std::move(next);
  start_parts(previous.get());
  if (site_) site_->set_config(*setup_.config);
  record(config_event(wall_ms(), true, "config " + setup_.fingerprint.substr(0, 12) + " loaded"));
  systemd::ready("reloaded");
}

void Gateway::stop() {
  if (stopping_) return;
  systemd::stopping();
  stopping_ = true;
  if (site_) site_->stop();
  for (auto& b : buses_) b.owner->stop();
  store_->commit();
  if (uplink_) uplink_->stop();
  commit_timer_.cancel();
  tick_timer_.cancel();
  watchdog_timer_.cancel();
  signals_.cancel();
  buses_.clear();
  uplink_.reset();
  store_->commit();
  log::info("stopped");
}

}  // namespace farmgate::daemon
