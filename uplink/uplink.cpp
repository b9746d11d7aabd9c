#include "uplink/uplink.h"

#include <stdexcept>

#include "common/log.h"

namespace farmgate::uplink {
namespace {

LinkSettings settings_or_throw(const config::Config& config) {
  auto s = link_settings(config);
  if (auto* error = std::get_if<std::string>(&s)) throw std::runtime_error(*error);
  return std::get<LinkSettings>(std::move(s));
}

}  // namespace

Uplink::Uplink(boost::asio::io_context& io, const config::Config& config, store::Store& store,
               StatusSource status, CommandHandler commands, Tuning tuning)
    : io_(io),
      config_(config),
      store_(store),
      status_(std::move(status)),
      commands_(std::move(commands)),
      status_timer_(io),
      max_commands_per_second_(tuning.max_commands_per_second) {
  LinkSettings settings = settings_or_throw(config);
  base_ = settings.topic_base;
  status_interval_ = config.uplink->status_interval;
  ForwarderOptions fo;
  fo.gateway_id = config.gateway.id;
  fo.max_batch = static_cast<std::size_t>(config.uplink->max_batch);
  fo.publish_interval = config.uplink->publish_interval;
  fo.max_in_flight = tuning.max_in_flight;
  forwarder_ = std::make_unique<Forwarder>(
      io, store, fo, [this](Forwarder::Topic t, const std::string& payload, std::uint64_t id) {
        return link_->publish(topic(t == Forwarder::Topic::events ? "events" : "telemetry"),
                              payload, false, id);
      });
  LinkHandlers h;
  h.connected = [this] { on_connected(); };
  h.disconnected = [this](const std::string&) { forwarder_->disconnected(); };
  h.message = [this](const std::string& t, const std::string& p) { on_message(t, p); };
  h.delivered = [this](std::uint64_t id) { forwarder_->delivered(id); };
  h.failed = [this](std::uint64_t id) { forwarder_->failed(id); };
  link_ = std::make_unique<MqttLink>(io, std::move(settings), std::move(h));
}

Uplink::~Uplink() {
  alive_.reset();
  status_timer_.cancel();
  forwarder_->stop();
  link_.reset();  // before the forwarder its handlers call
}

void Uplink::start() { link_->start(); }

void Uplink::stop() {
  if (stopped_) return;
  stopped_ = true;
  status_timer_.cancel();
  forwarder_->stop();
  link_->stop();
}

void Uplink::on_connected() {
  if (stopped_) return;
  // Subscribe first, on this connection, before anything else is published on it.
  link_->subscribe(topic("cmd"));
  StatusSnapshot s = status_ ? status_() : StatusSnapshot{};
  link_->publish(topic("status"), online_status_payload(s), true, 0);
  forwarder_->connected();
  arm_status_timer();
}

void Uplink::arm_status_timer() {
  if (status_timer_armed_ || stopped_) return;
  status_timer_armed_ = true;
  status_timer_.expires_after(status_interval_);
  // A cancelled wait still runs its handler, possibly after ~Uplink (found by ASan,
  // tools/sanitize asan): check that this is alive before touching it.
  status_timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](boost::system::error_code ec) {
    if (!alive.lock()) return;
    status_timer_armed_ = false;
    if (ec || stopped_) return;
    publish_status();
    arm_status_timer();
  });
}

void Uplink::publish_status() {
  if (!link_->connected()) return;
  StatusSnapshot s = status_ ? status_() : StatusSnapshot{};
  link_->publish(topic("status"), periodic_status_payload(s, store_.stats()), true, 0);
}

void Uplink::on_message(const std::string& t, const std::string& payload) {
  if (t != topic("cmd") || stopped_) return;
  if (rate_limited(payload)) return;
  ParseResult parsed = parse_command(payload, config_);
  if (auto* r = std::get_if<Refusal>(&parsed)) {
    log::warning("uplink: command refused: ", r->error);
    answer(r->id, Outcome{false, r->error, nullptr}, refusal_event(wall_ms(), *r));
    return;
  }
  const Command& c = std::get<Command>(parsed);
  if (!commands_) {
    Outcome o{false, "commands are not handled by this gateway", nullptr};
    answer(c.id, o, command_event(wall_ms(), c, o));
    return;
  }
  auto answered = std::make_shared<bool>(false);
  Reply reply = [this, alive = std::weak_ptr<bool>(alive_), answered, c](const Outcome& o) {
    if (*answered || !alive.lock()) return;  // one answer per command
    *answered = true;
    answer(c.id, o, command_event(wall_ms(), c, o));
  };
  commands_(c, std::move(reply));
}

// A fixed one-second window: cheap, and a platform that retries a refused command after a
// second gets through.
bool Uplink::rate_limited(const std::string& payload) {
  const auto now = std::chrono::steady_clock::now();
  if (now - command_window_ >= std::chrono::seconds(1)) {
    command_window_ = now;
    commands_in_window_ = 0;
  }
  ++commands_in_window_;
  if (commands_in_window_ <= max_commands_per_second_) return false;
  // Parsed only to echo what can be read of it (size-capped like any command).
  ParseResult parsed = parse_command(payload, config_);
  Refusal r;
  if (auto* refused = std::get_if<Refusal>(&parsed)) {
    r = *refused;
  } else {
    const Command& c = std::get<Command>(parsed);
    r.id = c.id;
    r.op = to_string(c.op);
    r.point = c.point;
  }
  r.error = "rate limited";
  if (commands_in_window_ == max_commands_per_second_ + 1) {
    log::warning("uplink: more than ", max_commands_per_second_,
                 " commands in a second: the excess is refused");
    store_.add(refusal_event(wall_ms(), r));
  }
  link_->publish(topic("cmd/result"), refusal_payload(r), false, 0);
  return true;
}

void Uplink::answer(const std::string& id, const Outcome& outcome, Event event) {
  store_.add(std::move(event));
  if (!link_->publish(topic("cmd/result"), result_payload(id, outcome), false, 0))
    log::warning("uplink: result of command ", id, " not sent: not connected");
}

}  // namespace farmgate::uplink
