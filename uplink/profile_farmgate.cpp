// Profile `farmgate` (spec §5): topics under {topic_prefix}/{gateway.id}/, the payloads of
// payloads.h and commands.h as they are.
#include <algorithm>

#include "uplink/profile.h"

namespace farmgate::uplink {

bool Profile::is_command_topic(const std::string& topic) const {
  const auto topics = command_topics();
  return std::find(topics.begin(), topics.end(), topic) != topics.end();
}

std::unique_ptr<Profile> make_profile(const config::Config& config) {
  if (config.uplink && config.uplink->profile == config::UplinkProfile::thingsboard)
    return thingsboard_profile(config);
  return farmgate_profile(config);
}

namespace {

class FarmgateProfile final : public Profile {
 public:
  explicit FarmgateProfile(const config::Config& config)
      : gateway_id_(config.gateway.id),
        base_(config.uplink->topic_prefix + "/" + config.gateway.id + "/") {}

  std::vector<std::string> command_topics() const override { return {base_ + "cmd"}; }

  std::vector<Message> on_connect(const StatusSnapshot& s) const override {
    return {{base_ + "status", online_status_payload(s), true}};
  }
  std::vector<Message> status(const StatusSnapshot& s, const store::BufferStats& buffer,
                              const LinkFigures& link) const override {
    return {{base_ + "status", periodic_status_payload(s, buffer, &link), true}};
  }
  Message offline() const override { return {base_ + "status", offline_status_payload(), true}; }

  std::string events_topic() const override { return base_ + "events"; }
  std::string event(const store::StoredEvent& e) const override { return event_payload(e); }
  std::string telemetry_topic() const override { return base_ + "telemetry"; }
  std::string telemetry(const std::vector<store::StoredReading>& readings) const override {
    return telemetry_payload(gateway_id_, readings);
  }

  std::optional<IncomingCommand> command(const std::string& payload,
                                         const config::Config& config) const override {
    IncomingCommand in{parse_command(payload, config), "", nullptr};
    in.key = std::holds_alternative<Command>(in.parsed) ? std::get<Command>(in.parsed).id
                                                        : std::get<Refusal>(in.parsed).id;
    return in;
  }
  // cmd/result is one topic for all: the id inside tells whose it is.
  std::optional<std::string> answer(const nlohmann::json&,
                                    const std::string& result) const override {
    return result;
  }
  std::string result_topic() const override { return base_ + "cmd/result"; }

 private:
  std::string gateway_id_, base_;
};

}  // namespace

std::unique_ptr<Profile> farmgate_profile(const config::Config& config) {
  return std::make_unique<FarmgateProfile>(config);
}

}  // namespace farmgate::uplink
