// A platform profile (spec §8, `uplink.profile`): how farmgate's data and commands look on
// the wire for one kind of platform. A profile only shapes messages; it owns nothing and
// does no I/O. The Uplink keeps everything else for every profile: the link, the PUBACKs
// (nothing leaves the buffer before its acknowledgement, events first, oldest first), the
// command checks (size, retained, duplicate ids, rate limit) and exactly one answer per
// command. Pure and const: called on the loop thread, safe anywhere.
//
// One file per profile: profile_farmgate.cpp (spec §5), profile_thingsboard.cpp (§8).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "store/store.h"
#include "uplink/commands.h"
#include "uplink/payloads.h"

namespace farmgate::uplink {

struct Message {
  std::string topic;
  std::string payload;
  bool retained = false;
};

// A message on a command topic that is meant as a command (parsed and checked like a §5
// `cmd`, whatever its shape on the wire).
struct IncomingCommand {
  ParseResult parsed;
  // What "the same command again" means (spec §7: its first result again). The farmgate
  // profile: the id. ThingsBoard numbers RPCs per device, so there it is device and id.
  std::string key;
  // Where the answer goes, in the profile's terms (opaque to the Uplink; null: nowhere known).
  nlohmann::json reply_to;
};

class Profile {
 public:
  virtual ~Profile() = default;

  // Subscribed on every connect, before anything is published on that connection.
  virtual std::vector<std::string> command_topics() const = 0;
  bool is_command_topic(const std::string& topic) const;

  // Published on every connect, after subscribing and before any data.
  virtual std::vector<Message> on_connect(const StatusSnapshot& s) const = 0;
  // Published every status_interval while connected, with what the link carried.
  virtual std::vector<Message> status(const StatusSnapshot& s, const store::BufferStats& buffer,
                                      const LinkFigures& link) const = 0;
  // The will, also published by a clean stop.
  virtual Message offline() const = 0;

  // Data: one message per event and one per batch of readings (oldest first), so that one
  // PUBACK settles exactly the seqs of one message.
  virtual std::string events_topic() const = 0;
  virtual std::string event(const store::StoredEvent& e) const = 0;
  virtual std::string telemetry_topic() const = 0;
  virtual std::string telemetry(const std::vector<store::StoredReading>& readings) const = 0;

  // A message on a command topic: the command it carries, or nothing when it is not a
  // request (our own RPC replies come back on the same topic; they are ignored).
  virtual std::optional<IncomingCommand> command(const std::string& payload,
                                                 const config::Config& config) const = 0;
  // The answer to a command, from its §5 cmd/result JSON ({"id":…,"ok":…}); nothing when
  // there is nobody to address it to (reply_to null where the profile needs it).
  virtual std::optional<std::string> answer(const nlohmann::json& reply_to,
                                            const std::string& result) const = 0;
  virtual std::string result_topic() const = 0;
  // Incoming messages over this are reported by size only, never read (mqtt_link.h).
  virtual std::size_t max_incoming_bytes() const { return kMaxCommandBytes; }
};

// The profile that config.uplink names. REQUIRES config.uplink.
std::unique_ptr<Profile> make_profile(const config::Config& config);

// Each profile, for tests and make_profile.
std::unique_ptr<Profile> farmgate_profile(const config::Config& config);
std::unique_ptr<Profile> thingsboard_profile(const config::Config& config);

}  // namespace farmgate::uplink
