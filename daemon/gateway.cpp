#include "daemon/gateway.h"

#include <cmath>
#include <csignal>

#include <boost/asio/post.hpp>

#include "common/clock.h"
#include "common/event_text.h"
#include "common/log.h"
#include "daemon/format.h"
#include "daemon/ownership.h"
#include "daemon/reload_plan.h"
#include "daemon/systemd_notify.h"
#include "drivers/modbus/codec.h"

namespace farmgate::daemon {
namespace {

constexpr Duration kTickEvery{1000};  // the engine also ticks after every poll result
constexpr Duration kStatusEvery{10000};  // STATUS= (unsent count) for `systemctl status`

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

// Actuator changes and accepted reloads are the normal life of a gateway: info. Faults,
// alarms, refused commands and rejected reloads need someone: warning.
log::Level event_level(const Event& e) {
  if (e.type == "actuator") return log::Level::info;
  if (e.type == "config" && e.fields.value("state", "") == "reloaded") return log::Level::info;
  return log::Level::warning;
}

void log_event(const Event& e) { log::write(event_level(e), event_text(e)); }

// -v: every reading as `device.point = value unit quality`, for the technician watching a
// foreground `run` while wiring a probe.
void log_reading(const Reading& r, const config::Config& cfg) {
  if (!log::verbose()) return;
  const config::Point* p = cfg.find_point(r.point);
  log::debug(r.point, " = ", p ? format_reading(r, *p) : format_reading(r),
             r.quality == Quality::good ? " good" : "");
}

// -v: what the rules decided to write and why (the actuator event follows once it is done).
void log_decision(const rules::Write& w, const config::Config& cfg) {
  if (!log::verbose()) return;
  const config::Point* p = cfg.find_point(w.point);
  const bool boolean = p && p->type == config::ValueType::boolean;
  log::debug("decision: ", w.point, " -> ",
             boolean ? (w.value != 0 ? "on" : "off") : format_number(w.value), " (", w.reason,
             ")");
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
      status_timer_(io),
      signals_(io, SIGTERM, SIGINT, SIGHUP),
      reloader_(io, config_path_) {}

Gateway::~Gateway() { stop_parts(); }

void Gateway::start() {
  buffer_lock_ = claim_buffer(*setup_.config);
  check_serial_ports(*setup_.config);
  store_ = store::Store::open(setup_.config->storage);
  uplink_key_ = uplink_files_digest(*setup_.config);
  start_parts();
  site_ = std::make_unique<http::Site>(
      io_, *setup_.config, [this] { return page_status(); },
      [this](const uplink::Command& c, http::Site::Reply reply) { handle_command(c, std::move(reply)); },
      [this](Event e) { record(std::move(e)); });
  site_->start();
  arm(commit_timer_, setup_.config->storage.commit_interval, &Gateway::commit);
  arm(tick_timer_, kTickEvery, &Gateway::tick);
  if (auto every = systemd::watchdog_interval()) arm(watchdog_timer_, *every, &Gateway::on_watchdog);
  arm(status_timer_, kStatusEvery, &Gateway::update_status);
  wait_for_signal();
  log::info("farmgate ", FARMGATE_VERSION, " running: ", setup_.config->devices.size(),
            " devices on ", setup_.config->buses.size(), " buses, buffer ",
            setup_.config->storage.path);
  last_status_ = health_text();
  systemd::ready(last_status_);
}

void Gateway::start_parts(const rules::Engine* previous) {
  const config::Config& cfg = *setup_.config;
  ++*generation_;
  const auto now = std::chrono::steady_clock::now();

  rules::EngineOptions options;
  options.same_state = modbus::same_at_resolution;
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
  if (device_states_.on_poll(poll.device, poll.ok, poll.error)) update_status();
  auto& h = health_[poll.device];
  if (poll.ok) {
    ++h.ok;
  } else {
    ++h.errors;
    h.last_error = poll.error;
    // The fault event is the one log line of a device going silent (record() logs it).
    if (poll.consecutive_failures == 1)
      record(fault_event(wall_ms(), "device", poll.error, poll.device));
  }
  const auto now = std::chrono::steady_clock::now();
  for (const auto& r : poll.readings) {
    log_reading(r, *setup_.config);
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
  for (const auto& w : d.writes) {
    log_decision(w, *setup_.config);
    execute(w);
  }
}

void Gateway::execute(const rules::Write& w) {
  modbus::BusOwner* bus = bus_for_point(w.point);
  if (!bus) return;
  // The result goes to the engine running when it comes: after a reload that is the new one,
  // which took over this write's retry state (a write cut off by a bus restart is retried).
  bus->write(w.point, w.value, [this, point = w.point, value = w.value](modbus::WriteResult result) {
    if (stopping_ || !engine_) return;
    std::optional<double> readback;
    if (result.readback && result.readback->value) readback = *result.readback->value;
    // Compared at the register's resolution: 12.7 read back as 13 from a register of step 1
    // is what was asked, not a mismatch to retry forever.
    const config::Point* p = setup_.config->find_point(point);
    if (readback && p && modbus::same_at_resolution(*p, *readback, value)) readback = value;
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
    // Queued, so it reaches the platform once the buffer takes writes again; until then
    // `status` shows it (buffer.fault).
    const auto fault = store_->stats().fault;
    store_->add(fault_event(wall_ms(), "storage",
                            fault ? fault->message
                                  : "cannot write the buffer " + setup_.config->storage.path));
  }
  commit_failing_ = true;
}

void Gateway::handle_command(const uplink::Command& c, uplink::Uplink::Reply reply) {
  const auto now = std::chrono::steady_clock::now();
  switch (c.op) {
    case uplink::Op::set: {
      // What the register can hold decides: refused with its range, or rounded to its step
      // (the result says what will be written) so that the read-back can match.
      const config::Point* p = setup_.config->find_point(c.point);
      const modbus::PlannedWrite plan =
          p ? modbus::plan_write(*p, c.value) : modbus::PlannedWrite{true, "", c.value, false};
      if (!plan.ok) return reply(uplink::Outcome{false, plan.error, nullptr});
      rules::CommandResult r = engine_->set_override(c.point, plan.value, c.hold, c.id, now);
      nlohmann::json extra = nullptr;
      if (r.ok && plan.rounded) {
        // 13, not 13.0: a step of an integer register is usually a whole number.
        const bool whole = std::floor(plan.value) == plan.value && std::fabs(plan.value) < 1e15;
        extra = {{"value", whole ? nlohmann::json(static_cast<std::int64_t>(plan.value))
                                 : nlohmann::json(plan.value)},
                 {"rounded_from", c.value}};
      }
      reply(uplink::Outcome{r.ok, r.error, extra});
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
      const config::Point* point = setup_.config->find_point(c.point);
      const uplink::Resolution res = point ? uplink::resolution_of(*point) : uplink::Resolution{};
      bus->read({c.point}, [reply, res](std::vector<Reading> rs) {
        const Reading& r = rs.front();
        if (r.quality == Quality::error) return reply(uplink::Outcome{false, r.error, nullptr});
        reply(uplink::Outcome{true, "", uplink::read_reply(r, res)});
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
  s.latest = live_.latest();
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
    in.uplink.broker = uplink_->broker();
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

std::string Gateway::health_text() {
  std::vector<std::string> names;
  for (const auto& d : setup_.config->devices) names.push_back(d.name);
  HealthFigures f;
  f.devices = device_states_.states(names);
  const store::BufferStats stats = store_->stats();
  f.unsent = stats.unsent;
  f.dropped = stats.dropped;
  f.buffer_failing = commit_failing_;
  return health_line(f);
}

void Gateway::update_status() {
  std::string text = one_line(status_prefix_ + health_text());
  if (text == last_status_) return;
  last_status_ = std::move(text);
  systemd::status(last_status_);
}

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

// Spec §7: the files are read and parsed on ReloadLoader's thread; only the swap below runs
// on the loop.
void Gateway::reload() {
  systemd::reloading();
  log::info("reloading ", config_path_);
  reloader_.request([this](LoadedSetup loaded) { apply_reload(std::move(loaded)); });
}

void Gateway::apply_reload(LoadedSetup loaded) {
  if (stopping_) return;
  Setup& next = loaded.setup;
  // A file of 100k mistakes must not become 100k log lines written from the loop.
  constexpr size_t kLoggedDiagnostics = 50;
  const auto& all = next.diagnostics.all();
  for (size_t i = 0; i < all.size() && i < kLoggedDiagnostics; ++i) log_diagnostic(all[i]);
  if (all.size() > kLoggedDiagnostics)
    log::warning("... and ", all.size() - kLoggedDiagnostics, " more (farmgate check -c ",
                 config_path_, " lists them all)");
  if (!next.ok()) {
    std::string first;
    size_t errors = 0;
    for (const auto& d : all)
      if (d.severity == config::Diagnostic::Severity::error && errors++ == 0) first = d.str();
    record(config_event(wall_ms(), false,
                        std::to_string(errors) + " error(s), running config kept; first: " + first));
    status_prefix_ = "last reload rejected (" + std::to_string(errors) + " error(s), first: " +
                     one_line(first, 160) + "), running config kept; ";
    last_status_ = status_prefix_ + health_text();
    systemd::ready(one_line(last_status_));
    return;
  }
  const ReloadPlan plan =
      plan_reload(*setup_.config, uplink_key_, *next.config, loaded.uplink_files);
  for (const auto& note : plan.notes) log::warning(note);
  next.config->storage = setup_.config->storage;  // the open buffer stays

  // Buses whose settings and devices did not change keep polling; the others stop here and
  // start_parts() starts the new ones.
  std::vector<BusSlot> kept;
  for (auto& slot : buses_) {
    if (!plan.restarts(slot.bus.name)) {
      kept.push_back(std::move(slot));
    } else {
      log::info("bus ", slot.bus.name, " changed: restarting it");
      *slot.live = false;
      slot.owner->stop();
    }
  }
  buses_ = std::move(kept);
  if (uplink_ && plan.reconnect_uplink) {
    log::info("uplink settings changed: reconnecting");
    uplink_->stop();
    uplink_.reset();
  }
  uplink_key_ = loaded.uplink_files;
  std::unique_ptr<rules::Engine> previous = std::move(engine_);
  setup_ = std::move(next);
  start_parts(previous.get());
  if (site_) site_->set_config(*setup_.config);
  record(config_event(wall_ms(), true, "config " + setup_.fingerprint.substr(0, 12) + " loaded"));
  status_prefix_.clear();
  last_status_ = health_text();
  systemd::ready(one_line("reloaded; " + last_status_));
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
  status_timer_.cancel();
  signals_.cancel();
  buses_.clear();
  uplink_.reset();
  store_->commit();
  lost_readings_ = store_->queued_readings();
  lost_events_ = store_->queued_events();
  if (lost_readings_ + lost_events_ > 0) {
    log::error("stopped with ", lost_readings_, " readings and ", lost_events_,
               " events that could not be committed to ", setup_.config->storage.path,
               ": they are lost");
  } else {
    log::info("stopped");
  }
}

}  // namespace farmgate::daemon
