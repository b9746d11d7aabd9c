#include "uplink/forwarder.h"

#include "common/log.h"

namespace farmgate::uplink {

Forwarder::Forwarder(boost::asio::io_context& io, store::Store& store, ForwarderOptions options,
                     Publish publish)
    : store_(store),
      options_(std::move(options)),
      publish_(std::move(publish)),
      timer_(io),
      filter_(options_.report_rules) {
  if (options_.max_batch == 0) options_.max_batch = 1;
  if (options_.max_in_flight == 0) options_.max_in_flight = 1;
}

void Forwarder::set_points(const config::Config& config) {
  options_.resolutions = Resolutions(config);
  filter_.set_rules(report_rules(config));
}

void Forwarder::restart_from_oldest() {
  in_flight_.clear();
  event_cursor_ = 0;
  reading_cursor_ = 0;
  backlog_ = false;
}

void Forwarder::connected() {
  if (stopped_) return;
  connected_ = true;
  restart_from_oldest();
  arm_timer();
  pump();
}

void Forwarder::disconnected() {
  connected_ = false;
  restart_from_oldest();
}

void Forwarder::stop() {
  stopped_ = true;
  connected_ = false;
  timer_.cancel();
}

void Forwarder::arm_timer() {
  if (timer_armed_ || stopped_) return;
  timer_armed_ = true;
  timer_.expires_after(options_.publish_interval);
  // Found by TSan/ASan (tools/sanitize): the handler ran after ~Forwarder.
  timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](boost::system::error_code ec) {
    if (!alive.lock()) return;
    timer_armed_ = false;
    if (ec || stopped_) return;
    pump();
    arm_timer();
  });
}

void Forwarder::delivered(std::uint64_t id) {
  auto it = in_flight_.find(id);
  if (it == in_flight_.end()) return;  // sent before a reconnect: resent since, harmless
  const std::shared_ptr<Settles> batch = it->second;
  in_flight_.erase(it);
  if (--batch->unacknowledged == 0) settle(*batch);
  if (backlog_) pump();
}

void Forwarder::failed(std::uint64_t id) {
  if (in_flight_.count(id) == 0) return;
  // Its seqs are behind the cursors: start again from the oldest unsent at the next pump
  // (what else is in flight may arrive twice; the platform de-duplicates by seq).
  restart_from_oldest();
}

void Forwarder::settle(const Settles& s) {
  if (s.kind == Kind::events) {
    store_.mark_events_sent(s.seqs);
  } else {
    store_.mark_readings_sent(s.seqs);
  }
}

bool Forwarder::send(Kind kind, std::vector<Message> messages, std::vector<std::int64_t> seqs) {
  auto batch = std::make_shared<Settles>(Settles{kind, std::move(seqs), messages.size()});
  if (messages.empty()) {  // nothing the platform needs: settled as it stands
    settle(*batch);
    return true;
  }
  // Every id is in flight before the first publish: an acknowledgement may come at once.
  std::vector<std::uint64_t> ids;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    ids.push_back(next_id_++);
    in_flight_[ids.back()] = batch;
  }
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (publish_(messages[i], ids[i])) continue;
    // The link went down under us; the disconnect handler follows. Resend from the oldest.
    log::debug("uplink: publish refused, will resend from the oldest unsent");
    restart_from_oldest();
    return false;
  }
  return true;
}

// Readings held back by exception (spec §8) are handled without a message: marked sent at
// once, so they neither wait in `unsent` nor come back at the next pump.
bool Forwarder::send_readings(std::vector<store::StoredReading> readings) {
  const std::vector<std::int64_t> held = filter_.hold_back(readings);
  if (!held.empty()) store_.mark_readings_sent(held);
  if (readings.empty()) return true;
  std::vector<std::int64_t> seqs;
  seqs.reserve(readings.size());
  for (const auto& r : readings) seqs.push_back(r.seq);
  // Values at their resolution (spec §8), whatever shape the profile gives them.
  for (auto& r : readings)
    if (r.reading.value) r.reading.value = options_.resolutions.apply(r.reading.point, *r.reading.value);
  return send(Kind::readings, options_.format_telemetry(readings), std::move(seqs));
}

void Forwarder::pump() {
  if (!connected_ || stopped_) return;
  backlog_ = false;
  while (in_flight_.size() < options_.max_in_flight) {
    std::size_t room = options_.max_in_flight - in_flight_.size();
    auto events = store_.unsent_events(event_cursor_, room);
    if (!events.empty()) {
      if (events.size() == room) backlog_ = true;
      for (const auto& e : events) {
        if (!send(Kind::events, {options_.format_event(e)}, {e.seq})) return;
        event_cursor_ = e.seq;
      }
      continue;  // events first, always: look again before any telemetry
    }
    auto readings = store_.unsent_readings(reading_cursor_, options_.max_batch);
    if (readings.empty()) break;
    const std::int64_t last = readings.back().seq;
    const bool full = readings.size() == options_.max_batch;
    if (!send_readings(std::move(readings))) return;
    reading_cursor_ = last;
    // A short batch means we have caught up: the rest waits for publish_interval.
    if (!full) break;
    backlog_ = true;
  }
  if (in_flight_.size() >= options_.max_in_flight) backlog_ = true;
}

}  // namespace farmgate::uplink
