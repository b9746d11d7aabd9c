// A platform profile (spec §8, `uplink.profile`): how farmgate's data and commands look on
// the wire for one kind of platform. A profile only shapes messages and does no I/O. The
// Uplink keeps everything else for every profile: the link, the PUBACKs (nothing leaves the
// buffer before its acknowledgement, events first, oldest first), the command checks (size,
// retained, duplicate ids, rate limit) and exactly one answer per command.
//
// What a profile remembers is the platform's view of this connection, nothing of the data:
// farmgate and thingsboard remember nothing; sparkplug numbers its messages (`seq`, `bdSeq`)
// and knows which devices it has declared born. So message-making calls are not const and
// must be made in the order the messages go on the wire. Called on the loop thread only.
//
// One file per profile: profile_farmgate.cpp (spec §5), profile_thingsboard.cpp and
// profile_sparkplug.cpp (§8).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "store/store.h"
#include "uplink/commands.h"
#include "uplink/message.h"
#include "uplink/payloads.h"

namespace farmgate::uplink {

// A message on a command topic that is meant as a command (parsed and checked like a §5
// `cmd`, whatever its shape on the wire).
struct IncomingCommand {
  ParseResult parsed;
  // What "the same command again" means (spec §7: its first result again). The farmgate
  // profile: the id. ThingsBoard numbers RPCs per device, so there it is device and id.
  // Empty: no such thing (Sparkplug's DCMD has no id; every one is new).
  std::string key;
  // Where the answer goes, in the profile's terms (opaque to the Uplink; null: nowhere known).
  nlohmann::json reply_to;
};

// What a message on a command topic asks for. Nothing at all: it is not a request (our own
// RPC replies come back on ThingsBoard's RPC topic; they are ignored).
struct Incoming {
  std::vector<IncomingCommand> commands;  // Sparkplug's DCMD may write several metrics
  // Sparkplug's `Node Control/Rebirth`: on_connect()'s messages again (spec §8).
  bool rebirth = false;
  bool empty() const { return commands.empty() && !rebirth; }
};

class Profile {
 public:
  virtual ~Profile() = default;

  // Subscribed on every connect, before anything is published on that connection. MQTT
  // filters: `+` matches one level.
  virtual std::vector<std::string> command_topics() const = 0;
  bool is_command_topic(const std::string& topic) const;

  // A connection is about to be attempted: offline() from now on is this session's will.
  virtual void new_session() {}
  // Published on every connect, after subscribing and before any data; again on a rebirth.
  virtual std::vector<Message> on_connect(const StatusSnapshot& s) = 0;
  // Published every status_interval while connected, with what the link carried.
  virtual std::vector<Message> status(const StatusSnapshot& s, const store::BufferStats& buffer,
                                      const LinkFigures& link) = 0;
  // The will of the session in progress, also published by a clean stop.
  virtual Message offline() const = 0;

  // Data: one message per event; a batch of readings (oldest first, values at their
  // resolution) as the messages that carry it — none when the platform has nothing to learn
  // from it (Sparkplug: errors of a device already declared dead). The Forwarder settles the
  // batch's seqs when every one of them is acknowledged.
  virtual Message event(const store::StoredEvent& e) = 0;
  virtual std::vector<Message> telemetry(const std::vector<store::StoredReading>& readings) = 0;

  // A message on a command topic (see Incoming).
  virtual Incoming incoming(const std::string& topic, const std::string& payload,
                            const config::Config& config) = 0;
  // The answer to a command, from its §5 cmd/result JSON ({"id":…,"ok":…}); nothing when
  // there is nobody to address it to (reply_to null where the profile needs it, or a
  // platform with no answers: Sparkplug, where the `command` event and the next DDATA tell).
  virtual std::optional<std::string> answer(const nlohmann::json& reply_to,
                                            const std::string& result) const = 0;
  virtual std::string result_topic() const = 0;
  // Incoming messages over this are reported by size only, never read (mqtt_link.h).
  virtual std::size_t max_incoming_bytes() const { return kMaxCommandBytes; }

  // A reload changed the points or devices. True when the platform must be told them again
  // now (on_connect()'s messages again: Sparkplug's births, ThingsBoard's device connects).
  virtual bool set_config(const config::Config& config) = 0;
};

// Whether an MQTT topic filter (`+` for one level, a trailing `#` for the rest) matches.
bool topic_matches(const std::string& filter, const std::string& topic);

// The profile that config.uplink names. REQUIRES config.uplink.
std::unique_ptr<Profile> make_profile(const config::Config& config);

// Each profile, for tests and make_profile.
std::unique_ptr<Profile> farmgate_profile(const config::Config& config);
std::unique_ptr<Profile> thingsboard_profile(const config::Config& config);
std::unique_ptr<Profile> sparkplug_profile(const config::Config& config);

}  // namespace farmgate::uplink
