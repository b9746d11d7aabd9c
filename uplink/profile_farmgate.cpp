// Profile `farmgate` (spec §5): topics under {topic_prefix}/{gateway.id}/, the payloads of
// payloads.h and commands.h as they are; with uplink.compress: zstd, telemetry as one zstd
// frame of the same JSON on telemetry/zstd (spec §8).
#include <algorithm>

#include "uplink/compression.h"
#include "uplink/profile.h"

namespace farmgate::uplink {

namespace {

std::vector<std::string> levels(const std::string& topic) {
  std::vector<std::string> out;
  std::size_t from = 0;
  for (;;) {
    const std::size_t slash = topic.find('/', from);
    out.push_back(topic.substr(from, slash - from));
    if (slash == std::string::npos) return out;
    from = slash + 1;
  }
}

}  // namespace

bool topic_matches(const std::string& filter, const std::string& topic) {
  const auto f = levels(filter), t = levels(topic);
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] == "#" && i + 1 == f.size()) return true;
    if (i >= t.size() || (f[i] != "+" && f[i] != t[i])) return false;
  }
  return f.size() == t.size();
}

bool Profile::is_command_topic(const std::string& topic) const {
  const auto filters = command_topics();
  return std::any_of(filters.begin(), filters.end(),
                     [&](const std::string& f) { return topic_matches(f, topic); });
}

std::unique_ptr<Profile> make_profile(const config::Config& config) {
  if (config.uplink && config.uplink->profile == config::UplinkProfile::thingsboard)
    return thingsboard_profile(config);
  if (config.uplink && config.uplink->profile == config::UplinkProfile::sparkplug)
    return sparkplug_profile(config);
  return farmgate_profile(config);
}

namespace {

class FarmgateProfile final : public Profile {
 public:
  explicit FarmgateProfile(const config::Config& config)
      : gateway_id_(config.gateway.id),
        base_(config.uplink->topic_prefix + "/" + config.gateway.id + "/"),
        zstd_(config.uplink->compress == config::Compression::zstd) {}

  std::vector<std::string> command_topics() const override { return {base_ + "cmd"}; }

  std::vector<Message> on_connect(const StatusSnapshot& s) override {
    return {{base_ + "status", online_status_payload(s), true}};
  }
  std::vector<Message> status(const StatusSnapshot& s, const store::BufferStats& buffer,
                              const LinkFigures& link) override {
    return {{base_ + "status", periodic_status_payload(s, buffer, &link), true}};
  }
  Message offline() const override { return {base_ + "status", offline_status_payload(), true}; }

  Message event(const store::StoredEvent& e) override {
    return {base_ + "events", event_payload(e)};
  }
  std::vector<Message> telemetry(const std::vector<store::StoredReading>& readings) override {
    std::string text = telemetry_payload(gateway_id_, readings);
    if (zstd_) return {{base_ + "telemetry/zstd", zstd_frame(text)}};
    return {{base_ + "telemetry", std::move(text)}};
  }

  Incoming incoming(const std::string&, const std::string& payload,
                    const config::Config& config) override {
    IncomingCommand in{parse_command(payload, config), "", nullptr};
    in.key = std::holds_alternative<Command>(in.parsed) ? std::get<Command>(in.parsed).id
                                                        : std::get<Refusal>(in.parsed).id;
    return Incoming{{std::move(in)}, false};
  }
  // cmd/result is one topic for all: the id inside tells whose it is.
  std::optional<std::string> answer(const nlohmann::json&,
                                    const std::string& result) const override {
    return result;
  }
  std::string result_topic() const override { return base_ + "cmd/result"; }

  // The points are named in every reading: nothing to announce.
  bool set_config(const config::Config&) override { return false; }

 private:
  std::string gateway_id_, base_;
  bool zstd_;
};

}  // namespace

std::unique_ptr<Profile> farmgate_profile(const config::Config& config) {
  return std::make_unique<FarmgateProfile>(config);
}

}  // namespace farmgate::uplink
