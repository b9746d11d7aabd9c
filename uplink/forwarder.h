// Store-and-forward: moves what the store holds unsent to the broker, and marks it sent only
// when the broker acknowledged it (spec §6). Runs on the daemon's io_context; not thread-safe.
//
// Order of sending, on every pump: all unsent events first (one message each, seq order),
// then telemetry batches of up to max_batch readings, oldest first. At most max_in_flight
// messages wait for their acknowledgement at once. While a backlog exists (a query came back
// full), each acknowledgement pumps again at once, so a backlog drains at the link's pace
// rather than one batch per publish_interval; live readings are just newer seqs in the same
// queue. When caught up, new data goes out every publish_interval.
//
// Report by exception (spec §8, exception_filter.h): readings a point's deadband holds back
// are marked sent without a message; telemetry values are written at their resolution.
//
// A batch of readings may go out as several messages (Sparkplug: one DDATA per device, a
// DDEATH, a DBIRTH) or as none (the platform has nothing to learn from it): its seqs are
// marked sent when the last of its messages is acknowledged, or at once when there is none.
//
// At-least-once: on disconnect, whatever is in flight is forgotten (it stays unsent in the
// store) and everything unsent is sent again after the next connect, oldest first. The
// platform de-duplicates by seq.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "store/store.h"
#include "uplink/exception_filter.h"
#include "uplink/message.h"
#include "uplink/resolution.h"

namespace farmgate::uplink {

struct ForwarderOptions {
  std::string gateway_id;
  // How a batch of readings and an event become messages (the uplink's profile,
  // uplink/profile.h). Required. The readings come with their values already at their
  // resolution.
  std::function<std::vector<Message>(const std::vector<store::StoredReading>&)> format_telemetry;
  std::function<Message(const store::StoredEvent&)> format_event;
  std::size_t max_batch = 500;
  Duration publish_interval{1000};
  std::size_t max_in_flight = 8;
  Resolutions resolutions;  // telemetry values are written at these (spec §8)
  ReportRules report_rules; // report by exception (spec §8, exception_filter.h)
};

class Forwarder {
 public:
  // Hands one message to the link; returns false when it could not be sent now. `id` comes
  // back through delivered() once the broker acknowledged it. ids start at 1 and never repeat.
  using Publish = std::function<bool(const Message& message, std::uint64_t id)>;

  Forwarder(boost::asio::io_context& io, store::Store& store, ForwarderOptions options,
            Publish publish);

  void connected();                  // begins (again) from the oldest unsent, and pumps at once
  void disconnected();               // forgets what is in flight; stops sending until connected()
  void delivered(std::uint64_t id);  // marks exactly that message's seqs sent
  void failed(std::uint64_t id);     // that message stays unsent; sending restarts from the oldest
  void stop();                       // no more sending; timers cancelled
  void pump();                       // sends what it can now (also runs every publish_interval)
  // The points changed (a reload): their resolutions and report rules apply from the next
  // batch.
  void set_points(const config::Config& config);

  std::size_t in_flight() const { return in_flight_.size(); }
  std::uint64_t messages_sent() const { return next_id_ - 1; }

 private:
  enum class Kind { events, readings };
  // What one batch settles once all its messages are acknowledged.
  struct Settles {
    Kind kind;
    std::vector<std::int64_t> seqs;
    std::size_t unacknowledged = 0;
  };
  void settle(const Settles& s);
  bool send(Kind kind, std::vector<Message> messages, std::vector<std::int64_t> seqs);
  bool send_readings(std::vector<store::StoredReading> readings);
  void restart_from_oldest();
  void arm_timer();

  store::Store& store_;
  ForwarderOptions options_;
  Publish publish_;
  boost::asio::steady_timer timer_;
  // Expires with the Forwarder: a cancelled wait still runs its handler, maybe after us.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  ExceptionFilter filter_;
  std::map<std::uint64_t, std::shared_ptr<Settles>> in_flight_;  // message id -> its batch
  std::uint64_t next_id_ = 1;
  std::int64_t event_cursor_ = 0;    // the last event seq handed to the link
  std::int64_t reading_cursor_ = 0;  // the last reading seq handed to the link
  bool connected_ = false, stopped_ = false, backlog_ = false, timer_armed_ = false;
};

}  // namespace farmgate::uplink
