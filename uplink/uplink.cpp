#include "uplink/uplink.h"

#include <stdexcept>

#include "common/event.h"
#include "common/log.h"

namespace farmgate::uplink {
namespace {

// A command refused for a reason of the channel's (retained, rate): it keeps what could be
// read of it (id, op, point) so that the result and the `command` event name it.
Refusal refusal_of(const ParseResult& parsed, std::string error) {
  Refusal r;
  if (auto* refused = std::get_if<Refusal>(&parsed)) {
    r = *refused;
  } else {
    const Command& c = std::get<Command>(parsed);
    r.id = c.id;
    r.op = to_string(c.op);
    r.point = c.point;
  }
  r.error = std::move(error);
  return r;
}

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
      max_commands_per_second_(tuning.max_commands_per_second),
      command_rate_(tuning.max_commands_per_second) {
  LinkSettings settings = settings_or_throw(config);
  base_ = settings.topic_base;
  profile_ = make_profile(config);
  const Message will = profile_->offline();
  settings.will_topic = will.topic;
  settings.will_payload = will.payload;
  settings.will_retained = will.retained;
  settings.max_message_bytes = profile_->max_incoming_bytes();
  status_interval_ = config.uplink->status_interval;
  ForwarderOptions fo;
  fo.gateway_id = config.gateway.id;
  fo.max_batch = static_cast<std::size_t>(config.uplink->max_batch);
  fo.publish_interval = config.uplink->publish_interval;
  fo.max_in_flight = tuning.max_in_flight;
  fo.resolutions = Resolutions(config);
  fo.report_rules = report_rules(config);
  fo.format_telemetry = [this](const auto& readings) { return profile_->telemetry(readings); };
  fo.format_event = [this](const store::StoredEvent& e) { return profile_->event(e); };
  forwarder_ = std::make_unique<Forwarder>(
      io, store, fo, [this](const Message& m, std::uint64_t id) {
        return link_->publish(m.topic, m.payload, m.retained, id);
      });
  results_ = std::make_unique<ResultQueue>(
      [this](const std::string& payload, std::uint64_t id) {
        return link_->publish(profile_->result_topic(), payload, false, id);
      },
      tuning.result_window, tuning.result_high_water_bytes);
  LinkHandlers h;
  // Sparkplug's will names the session (bdSeq): a new one for every attempt.
  h.next_will = [this] {
    profile_->new_session();
    return profile_->offline().payload;
  };
  h.connected = [this] { on_connected(); };
  h.disconnected = [this](const std::string&) {
    subscribed_ = paused_ = false;
    forwarder_->disconnected();
    results_->disconnected();
  };
  h.message = [this](const std::string& t, const std::string& p, bool retained) {
    on_message(t, p, retained);
  };
  h.oversized = [this](const std::string& t, std::size_t bytes, bool retained) {
    on_oversized(t, bytes, retained);
  };
  h.stalled = [this](const std::string& why) { on_stalled(why); };
  h.delivered = [this](std::uint64_t id) {
    stalled_ = false;
    if (ResultQueue::owns(id)) {
      results_->delivered(id);
      watch_backlog();
    } else {
      forwarder_->delivered(id);
    }
  };
  h.failed = [this](std::uint64_t id) {
    if (ResultQueue::owns(id)) {
      results_->failed(id);
    } else {
      forwarder_->failed(id);
    }
  };
  link_ = std::make_unique<MqttLink>(io, std::move(settings), std::move(h));
}

Uplink::~Uplink() {
  alive_.reset();
  status_timer_.cancel();
  forwarder_->stop();
  link_.reset();  // before the forwarder and the results its handlers call
}

void Uplink::start() { link_->start(); }

void Uplink::set_config(const config::Config& config) {
  config_ = config;
  forwarder_->set_points(config);
  // The profile keeps its session (Sparkplug's seq and bdSeq): the platform hears of the
  // new points in that session, at once when the profile says it must.
  if (profile_->set_config(config) && link_->connected()) {
    log::info("uplink: the points changed: announcing them to the platform again");
    publish_birth();
  }
}

void Uplink::subscribe_commands(bool subscribe) {
  for (const auto& t : profile_->command_topics())
    subscribe ? link_->subscribe(t) : link_->unsubscribe(t);
}

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
  retained_refused_.clear();
  paused_ = false;
  subscribed_ = true;
  subscribe_commands(true);
  publish_birth();
  results_->connected();
  forwarder_->connected();
  arm_status_timer();
  watch_backlog();
}

void Uplink::publish_birth() {
  StatusSnapshot s = status_ ? status_() : StatusSnapshot{};
  for (const Message& m : profile_->on_connect(s))
    link_->publish(m.topic, m.payload, m.retained, 0);
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
  const BytesSent& sent = link_->bytes_sent();
  const LinkFigures figures{sent.today(wall_ms()), sent.since_start(), link_->broker()};
  for (const Message& m : profile_->status(s, store_.stats(), figures))
    link_->publish(m.topic, m.payload, m.retained, 0);
}

void Uplink::on_stalled(const std::string& why) {
  if (stalled_) return;  // one fault per streak: a broker that never acks is one fault
  stalled_ = true;
  store_.add(fault_event(wall_ms(), "uplink", why));
}

void Uplink::on_oversized(const std::string& t, std::size_t bytes, bool retained) {
  if (!profile_->is_command_topic(t) || stopped_) return;
  Refusal r;
  r.error = retained ? "retained commands are refused" : oversized_error(bytes);
  if (retained) {
    // Its content is unknown, so "the same retained payload" is "one of this size".
    if (!first_retained_refusal("size:" + std::to_string(bytes))) return;
  } else if (!command_rate_.take(std::chrono::steady_clock::now())) {
    r.error = "rate limited";
    return refuse(r, command_rate_.first_refusal(), nullptr);
  }
  log::warning("uplink: command refused: ", r.error);
  // Never read, so nobody known to answer to where the profile needs an address.
  refuse(r, true, nullptr);
}

// The broker replays the retained `cmd` on every subscribe: what it holds was meant for
// the moment it was sent (and was executed then, when it came live), never for a restart.
bool Uplink::first_retained_refusal(std::string key) {
  if (retained_refused_ == key) return false;
  retained_refused_ = std::move(key);
  return true;
}

void Uplink::on_retained(const std::string& t, const std::string& payload) {
  if (!first_retained_refusal(t + '\n' + payload)) return;  // replayed again
  Incoming in = profile_->incoming(t, payload, config_);
  if (in.rebirth) log::warning("uplink: a retained rebirth request on ", t, " is ignored");
  for (const IncomingCommand& c : in.commands) {
    Refusal r = refusal_of(c.parsed, "retained commands are refused");
    log::warning("uplink: retained command ", r.id, " refused (clear it with an empty retained ",
                 "message on ", t, ")");
    refuse(r, true, c.reply_to);
  }
}

void Uplink::on_message(const std::string& t, const std::string& payload, bool retained) {
  if (!profile_->is_command_topic(t) || stopped_) return;
  // An empty retained payload is how a retained message is cleared: nothing to answer.
  if (retained) return payload.empty() ? void() : on_retained(t, payload);
  Incoming in = profile_->incoming(t, payload, config_);
  if (in.rebirth) on_rebirth();
  for (const IncomingCommand& c : in.commands) take(c);
}

// Sparkplug's Node Control/Rebirth: every birth again, within the command rate (a flood of
// rebirths must not turn into a flood of births on a paid link).
void Uplink::on_rebirth() {
  if (!command_rate_.take(std::chrono::steady_clock::now())) {
    if (command_rate_.first_refusal())
      log::warning("uplink: more than ", max_commands_per_second_,
                   " commands a second: the excess is refused (a rebirth among them)");
    return;
  }
  log::info("uplink: the platform asked for a rebirth");
  publish_birth();
}

void Uplink::take(const IncomingCommand& in) {
  const ParseResult& parsed = in.parsed;
  const nlohmann::json& reply_to = in.reply_to;
  const std::string& id = in.key;  // what makes a command "seen before"
  const auto now = std::chrono::steady_clock::now();
  if (!id.empty()) {
    if (const CommandIds::Entry* seen = ids_.find(id, now)) {
      log::info("uplink: command ", id, " seen before: its first result again");
      if (seen->result) {
        results_->push(*seen->result);
        watch_backlog();
      } else {
        ids_.await(id);
      }
      return;
    }
  }
  if (!command_rate_.take(now)) {
    Refusal r = refusal_of(parsed, "rate limited");
    if (command_rate_.first_refusal())
      log::warning("uplink: more than ", max_commands_per_second_,
                   " commands a second: the excess is refused");
    return refuse(r, command_rate_.first_refusal(), reply_to);
  }
  ids_.begin(id, now);
  if (auto* r = std::get_if<Refusal>(&parsed)) {
    log::warning("uplink: command ", r->id.empty() ? "" : r->id + " ", "refused: ", r->error);
    answer(id, reply_to, refusal_payload(*r), refusal_event(wall_ms(), *r));
    return;
  }
  const Command& c = std::get<Command>(parsed);
  if (!commands_) {
    Outcome o{false, "commands are not handled by this gateway", nullptr};
    answer(id, reply_to, result_payload(c.id, o), command_event(wall_ms(), c, o));
    return;
  }
  auto answered = std::make_shared<bool>(false);
  Reply reply = [this, alive = std::weak_ptr<bool>(alive_), answered, c, key = id,
                 reply_to](const Outcome& o) {
    if (*answered || !alive.lock()) return;  // one answer per command
    *answered = true;
    answer(key, reply_to, result_payload(c.id, o), command_event(wall_ms(), c, o));
  };
  commands_(c, std::move(reply));
}

// Refused without being remembered: a rate-limited or retained command may come again.
void Uplink::refuse(const Refusal& r, bool record, const nlohmann::json& reply_to) {
  if (record) store_.add(refusal_event(wall_ms(), r));
  if (auto payload = profile_->answer(reply_to, refusal_payload(r))) {
    results_->push(std::move(*payload));
    watch_backlog();
  }
}

void Uplink::answer(const std::string& key, const nlohmann::json& reply_to,
                    const std::string& result, std::optional<Event> event) {
  if (event) store_.add(std::move(*event));
  std::optional<std::string> payload = profile_->answer(reply_to, result);
  if (!payload) return;  // nobody to address it to (ThingsBoard: no device named)
  const int waiting = key.empty() ? 0 : ids_.answer(key, *payload);
  for (int i = 0; i <= waiting; ++i) results_->push(*payload);
  watch_backlog();
}

// Back-pressure: results cannot be dropped, so past the high-water mark no more commands
// are taken (the broker, not this process, holds or drops what the platform sends
// meanwhile, and the platform sees no result for those and may retry); taken again once
// most results are out.
void Uplink::watch_backlog() {
  if (!link_->connected()) return;
  if (!paused_ && subscribed_ && results_->over_high_water()) {
    paused_ = true;
    subscribed_ = false;
    log::warning("uplink: ", results_->queued(), " command results waiting (",
                 results_->bytes() >> 10, " KiB): not taking commands until they are sent");
    subscribe_commands(false);
  } else if (paused_ && results_->drained()) {
    paused_ = false;
    subscribed_ = true;
    log::info("uplink: command results sent: taking commands again");
    subscribe_commands(true);
  }
}

}  // namespace farmgate::uplink
