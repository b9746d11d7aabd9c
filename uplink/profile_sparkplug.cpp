// Profile `sparkplug` (spec §8): Sparkplug B 3.0. The gateway is an edge node (node id
// gateway.id, group uplink.group); each configured device is a Sparkplug device with one
// metric per point. Payloads are protobuf (uplink/sparkplug_b.proto, the lite runtime).
//
// Topics: spBv1.0/GROUP/{NBIRTH,NDEATH,NDATA,NCMD}/NODE and
// spBv1.0/GROUP/{DBIRTH,DDEATH,DDATA,DCMD}/NODE/DEVICE.
//
// What this profile remembers of a session (the platform's view of the connection):
// - bdSeq: 0..255, one more for every connect attempt; in the will (NDEATH) and NBIRTH.
// - seq: 0..255 over every message of the node but NDEATH; NBIRTH is 0.
// - which devices are born. All configured devices are born with the NBIRTH (DBIRTH with the
//   latest value of every point), except one whose latest readings are all errors. A live
//   poll of a born device that read nothing but errors is its DDEATH; a reading of a dead
//   device that is not an error is its DBIRTH again (carrying that poll's values).
// - when the session was born: readings from before it are the backlog, sent with
//   is_historical (the DBIRTH has carried the current values already).
//
// Choices beyond the specification, and why:
// - Data goes at QoS 1, not 0 as Sparkplug 3.0 asks for DDATA: spec §6 keeps every reading
//   in the buffer until its PUBACK, and QoS 0 has none. Hosts receive at the QoS they
//   subscribed with; nothing else changes for them.
// - DDATA metrics carry their datatype as well as the alias (the specification says they
//   should not): two bytes a value buy a payload any decoder can read alone, Eclipse Tahu's
//   own among them (it cannot turn a value without its datatype into a number).
// - Quality: a `bad` reading carries the property "Quality" = 0 (OPC "bad", as Ignition
//   reads it); an `error` reading is is_null with that property. A good one carries none.
// - farmgate's events (alarms, faults, commands) are the node metric `event`, a String
//   holding the §5 event JSON, in NDATA; the periodic status is node metrics in NDATA.
// - DCMD: each metric is a `set` of its point with hold uplink.command_hold, with the §5
//   checks and the same `command` event. Sparkplug has no command results: the event and
//   the next DDATA tell the platform what happened.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "common/clock.h"
#include "config/units.h"
#include "uplink/profile.h"
#include "uplink/resolution.h"
#include "uplink/sparkplug_b.pb.h"

namespace farmgate::uplink {
namespace {

namespace pb = org::eclipse::tahu::protobuf;
using PbMetric = pb::Payload::Metric;

constexpr const char* kNamespace = "spBv1.0";
constexpr const char* kRebirth = "Node Control/Rebirth";
constexpr const char* kEvent = "event";
// OPC DA's "bad", the value Ignition reads from a metric's "Quality" property.
constexpr std::uint32_t kQualityBad = 0;

// The node's own metrics after bdSeq, in NBIRTH order; their aliases are 1.. in this order.
enum NodeMetric : std::uint64_t {
  kRebirthAlias = 1,
  kEventAlias,
  kVersion,
  kStarted,
  kConfig,
  kUnsent,
  kOldestUnsent,
  kDropped,
  kFault,
  kBytesToday,
  kBytesSinceStart,
  kBroker,
  kFirstDeviceHealth  // then per device: ok, errors, last_error
};

struct NodeMetricSpec {
  const char* name;
  pb::DataType type;
};
const std::map<std::uint64_t, NodeMetricSpec>& node_metrics() {
  static const std::map<std::uint64_t, NodeMetricSpec> m = {
      {kRebirthAlias, {kRebirth, pb::Boolean}},
      {kEventAlias, {kEvent, pb::String}},
      {kVersion, {"Gateway/version", pb::String}},
      {kStarted, {"Gateway/started", pb::DateTime}},
      {kConfig, {"Gateway/config", pb::String}},
      {kUnsent, {"Buffer/unsent", pb::UInt64}},
      {kOldestUnsent, {"Buffer/oldest_unsent_ts", pb::DateTime}},
      {kDropped, {"Buffer/dropped", pb::UInt64}},
      {kFault, {"Buffer/fault", pb::String}},
      {kBytesToday, {"Uplink/bytes_sent_today", pb::UInt64}},
      {kBytesSinceStart, {"Uplink/bytes_sent_since_start", pb::UInt64}},
      {kBroker, {"Uplink/broker", pb::String}},
  };
  return m;
}

// A point as a Sparkplug metric.
struct PointMetric {
  std::string id;    // "DEVICE.POINT"
  std::string name;  // "POINT"
  std::uint64_t alias = 0;
  pb::DataType type = pb::Double;
  std::string unit;
  bool writable = false;
  Resolution resolution;
};

struct DeviceMetrics {
  std::string name;
  std::vector<PointMetric> points;
  std::uint64_t health_alias = 0;  // ok; errors and last_error follow
};

// The datatype a point's values are: integers as their register type when nothing scales
// them, a float32 as Float, the rest as Double.
pb::DataType datatype_of(const config::Point& p) {
  if (p.type == config::ValueType::boolean) return pb::Boolean;
  const bool unscaled = p.scale == 1 && p.offset == 0 && p.precision.value_or(0) == 0;
  if (!unscaled) return pb::Double;
  switch (p.type) {
    case config::ValueType::int16: return pb::Int16;
    case config::ValueType::uint16: return pb::UInt16;
    case config::ValueType::int32: return pb::Int32;
    case config::ValueType::uint32: return pb::UInt32;
    case config::ValueType::int64: return pb::Int64;
    case config::ValueType::uint64: return pb::UInt64;
    case config::ValueType::float32: return pb::Float;
    default: return pb::Double;
  }
}

// The value field Sparkplug 3.0 assigns to the datatype (§6.4.16, Tahu's codec agrees).
void set_value(PbMetric& m, pb::DataType type, double v) {
  switch (type) {
    case pb::Boolean: m.set_boolean_value(v != 0); break;
    case pb::Int8:
    case pb::Int16:
    case pb::Int32:  // two's complement in 32 bits
      m.set_int_value(static_cast<std::uint32_t>(static_cast<std::int32_t>(v)));
      break;
    case pb::UInt8:
    case pb::UInt16: m.set_int_value(static_cast<std::uint32_t>(v)); break;
    case pb::Int64:
      m.set_long_value(static_cast<std::uint64_t>(static_cast<std::int64_t>(v)));
      break;
    case pb::UInt32:
    case pb::UInt64:
    case pb::DateTime: m.set_long_value(static_cast<std::uint64_t>(v)); break;
    case pb::Float: m.set_float_value(static_cast<float>(v)); break;
    default: m.set_double_value(v); break;
  }
}

void add_property(PbMetric& m, const std::string& key, pb::DataType type) {
  m.mutable_properties()->add_keys(key);
  m.mutable_properties()->add_values()->set_type(type);
}

void mark_bad(PbMetric& m) {
  add_property(m, "Quality", pb::Int32);
  m.mutable_properties()->mutable_values()->rbegin()->set_int_value(kQualityBad);
}

// The number a command metric carries, read by its datatype (the metric's, else the
// point's); nothing when it carries none.
std::optional<nlohmann::json> value_of(const PbMetric& m, pb::DataType type) {
  switch (m.value_case()) {
    case PbMetric::kBooleanValue: return nlohmann::json(m.boolean_value());
    case PbMetric::kIntValue:
      if (type == pb::Int8 || type == pb::Int16 || type == pb::Int32)
        return nlohmann::json(static_cast<std::int32_t>(m.int_value()));
      return nlohmann::json(m.int_value());
    case PbMetric::kLongValue:
      if (type == pb::Int64) return nlohmann::json(static_cast<std::int64_t>(m.long_value()));
      return nlohmann::json(m.long_value());
    case PbMetric::kFloatValue: return nlohmann::json(static_cast<double>(m.float_value()));
    case PbMetric::kDoubleValue: return nlohmann::json(m.double_value());
    default: return std::nullopt;
  }
}

class SparkplugProfile final : public Profile {
 public:
  explicit SparkplugProfile(const config::Config& config)
      : group_(config.uplink->group), node_(config.gateway.id) {
    set_config(config);
  }

  bool set_config(const config::Config& config) override {
    hold_ = config.uplink ? config.uplink->command_hold : Duration{30 * 60 * 1000};
    std::vector<DeviceMetrics> devices;
    std::uint64_t alias = kFirstDeviceHealth;
    for (const auto& d : config.devices) {
      DeviceMetrics dm{d.name, {}, alias};
      alias += 3;
      devices.push_back(std::move(dm));
    }
    for (std::size_t i = 0; i < config.devices.size(); ++i)
      for (const auto& p : config.devices[i].points)
        devices[i].points.push_back(
            {p.id, p.name, alias++, datatype_of(p), p.unit, p.writable, resolution_of(p)});
    const bool changed = !same_metrics(devices, devices_);
    devices_ = std::move(devices);
    by_id_.clear();
    for (std::size_t d = 0; d < devices_.size(); ++d)
      for (std::size_t p = 0; p < devices_[d].points.size(); ++p)
        by_id_[devices_[d].points[p].id] = {d, p};
    // A host knows the metrics from the births: new ones need new births (a rebirth).
    return changed;
  }

  std::vector<std::string> command_topics() const override {
    return {topic("NCMD"), topic("DCMD") + "/+"};
  }

  void new_session() override { bdseq_ = (bdseq_ + 1) % 256; }

  // NDEATH: bdSeq only, no seq (it is the will, written before the session begins).
  Message offline() const override {
    pb::Payload p;
    add_bdseq(p);
    return {topic("NDEATH"), p.SerializeAsString(), false};
  }

  // NBIRTH (seq 0) and a DBIRTH per device that is not known dead.
  std::vector<Message> on_connect(const StatusSnapshot& s) override {
    born_.clear();
    seq_ = 0;
    birth_ms_ = wall_ms();
    std::vector<Message> out;
    pb::Payload nbirth = payload();
    add_bdseq(nbirth);
    for (const auto& [alias, spec] : node_metrics()) {
      PbMetric& m = add_node_metric(nbirth, alias, true);
      switch (alias) {
        case kRebirthAlias: m.set_boolean_value(false); break;
        case kVersion: m.set_string_value(s.version); break;
        case kStarted: m.set_long_value(static_cast<std::uint64_t>(s.started_ms)); break;
        case kConfig: m.set_string_value(s.config_sha256); break;
        default: m.set_is_null(true);  // the periodic status fills them
      }
    }
    for (const auto& d : devices_) add_health(nbirth, d, s, true);
    out.push_back(numbered(topic("NBIRTH"), nbirth));  // seq 0
    for (std::size_t i = 0; i < devices_.size(); ++i) {
      const DeviceMetrics& d = devices_[i];
      std::vector<const Reading*> latest;
      bool any_answer = d.points.empty();
      for (const auto& pm : d.points) {
        auto it = s.latest.find(pm.id);
        latest.push_back(it == s.latest.end() ? nullptr : &it->second);
        if (!latest.back() || latest.back()->quality != Quality::error) any_answer = true;
      }
      if (!any_answer) continue;  // dead when the session began: born when it answers
      out.push_back(dbirth(i, latest));
    }
    return out;
  }

  std::vector<Message> status(const StatusSnapshot& s, const store::BufferStats& buffer,
                              const LinkFigures& link) override {
    pb::Payload p = payload();
    auto number = [&](std::uint64_t alias, std::optional<std::int64_t> v) {
      PbMetric& m = add_node_metric(p, alias, false);
      if (v) m.set_long_value(static_cast<std::uint64_t>(*v));
      else m.set_is_null(true);
    };
    number(kUnsent, buffer.unsent);
    number(kOldestUnsent, buffer.oldest_unsent_ts);
    number(kDropped, buffer.dropped);
    PbMetric& fault = add_node_metric(p, kFault, false);
    if (buffer.fault) fault.set_string_value(buffer.fault->message);
    else fault.set_is_null(true);
    number(kBytesToday, static_cast<std::int64_t>(link.bytes_today));
    number(kBytesSinceStart, static_cast<std::int64_t>(link.bytes_since_start));
    add_node_metric(p, kBroker, false).set_string_value(link.broker);
    for (const auto& d : devices_) add_health(p, d, s, false);
    return {numbered(topic("NDATA"), p)};
  }

  Message event(const store::StoredEvent& e) override {
    pb::Payload p = payload();
    PbMetric& m = add_node_metric(p, kEventAlias, false);
    m.set_timestamp(static_cast<std::uint64_t>(e.event.ts_ms));
    m.set_string_value(event_payload(e));
    if (e.event.ts_ms < birth_ms_) m.set_is_historical(true);
    return numbered(topic("NDATA"), p);
  }

  // Per device, in order of first appearance: its DDATA, and a DDEATH or DBIRTH where a live
  // poll changed whether it answers. A device's own messages keep the readings' order.
  std::vector<Message> telemetry(const std::vector<store::StoredReading>& readings) override {
    std::vector<Message> out;
    std::map<std::size_t, pb::Payload> pending;  // device -> its DDATA so far
    std::vector<std::size_t> order;
    auto flush = [&](std::size_t d) {
      auto it = pending.find(d);
      if (it == pending.end()) return;
      out.push_back(numbered(device_topic("DDATA", d), it->second));
      pending.erase(it);
    };
    // One poll of one device: its readings share a ts (drivers/modbus).
    for (std::size_t i = 0; i < readings.size();) {
      const auto first = by_id_.find(readings[i].reading.point);
      std::size_t j = i + 1;
      if (first == by_id_.end()) {  // a point a reload removed: no metric names it now
        i = j;
        continue;
      }
      const std::size_t d = first->second.first;
      const std::int64_t ts = readings[i].reading.ts_ms;
      bool all_errors = readings[i].reading.quality == Quality::error;
      while (j < readings.size() && readings[j].reading.ts_ms == ts) {
        const auto next = by_id_.find(readings[j].reading.point);
        if (next == by_id_.end() || next->second.first != d) break;
        all_errors = all_errors && readings[j].reading.quality == Quality::error;
        ++j;
      }
      const bool live = ts >= birth_ms_;
      const bool born = born_.count(d) > 0;
      if (live && all_errors) {
        if (born) {  // it stopped answering
          flush(d);
          pb::Payload death = payload();
          out.push_back(numbered(device_topic("DDEATH", d), death));
          born_.erase(d);
        }
      } else if (live && !born) {  // it answers again: born with this poll's values
        flush(d);
        std::vector<const Reading*> values(devices_[d].points.size(), nullptr);
        for (std::size_t k = i; k < j; ++k) {
          const auto& [dev, point] = by_id_.at(readings[k].reading.point);
          values[point] = &readings[k].reading;
        }
        out.push_back(dbirth(d, values));
      } else {
        auto [it, fresh] = pending.try_emplace(d, payload());
        if (fresh) order.push_back(d);
        for (std::size_t k = i; k < j; ++k) add_reading(it->second, readings[k].reading, !live);
      }
      i = j;
    }
    for (std::size_t d : order) flush(d);
    return out;
  }

  Incoming incoming(const std::string& t, const std::string& payload_bytes,
                    const config::Config& config) override {
    Incoming in;
    pb::Payload p;
    const bool parsed = p.ParseFromString(payload_bytes);
    if (t == topic("NCMD")) {
      if (!parsed) return refused(in, "", "", "malformed Sparkplug payload (NCMD)");
      for (const auto& m : p.metrics()) {
        const bool rebirth = m.name() == kRebirth || (!m.has_name() && m.alias() == kRebirthAlias);
        if (rebirth && m.value_case() == PbMetric::kBooleanValue) {
          in.rebirth = in.rebirth || m.boolean_value();
        } else {
          const std::string name = m.has_name() ? m.name() : "alias " + std::to_string(m.alias());
          refused(in, "", "", "unsupported node command '" + name + "' (farmgate takes " +
                                  kRebirth + ")");
        }
      }
      return in;
    }
    // DCMD: spBv1.0/GROUP/DCMD/NODE/DEVICE
    const std::string device = t.substr(topic("DCMD").size() + 1);
    const std::string id = "dcmd-" + std::to_string(wall_ms());
    const auto d = std::find_if(devices_.begin(), devices_.end(),
                                [&](const DeviceMetrics& dm) { return dm.name == device; });
    if (d == devices_.end()) return refused(in, id, "", "unknown device '" + device + "'");
    if (!parsed) return refused(in, id, "", "malformed Sparkplug payload (DCMD)");
    if (p.metrics_size() == 0) return refused(in, id, "", "a DCMD without metrics");
    for (const auto& m : p.metrics()) {
      const auto pm = std::find_if(d->points.begin(), d->points.end(), [&](const PointMetric& x) {
        return m.has_name() ? x.name == m.name() : x.alias == m.alias();
      });
      const std::string metric = m.has_name() ? m.name() : "alias " + std::to_string(m.alias());
      if (pm == d->points.end()) {
        refused(in, id, "", "device " + device + " has no metric '" + metric + "'");
        continue;
      }
      const pb::DataType type =
          m.has_datatype() ? static_cast<pb::DataType>(m.datatype()) : pm->type;
      const auto value = value_of(m, type);
      if (!value) {
        refused(in, id, pm->id, "metric '" + metric + "' carries no number or boolean");
        continue;
      }
      nlohmann::json cmd = {{"id", id}, {"op", "set"}, {"point", pm->id}, {"value", *value},
                            {"hold", config::format_duration(hold_)}};
      in.commands.push_back({parse_command(cmd.dump(), config), "", nullptr});
    }
    return in;
  }

  // Sparkplug has no results: the `command` event and the next DDATA tell.
  std::optional<std::string> answer(const nlohmann::json&, const std::string&) const override {
    return std::nullopt;
  }
  std::string result_topic() const override { return topic("NDATA"); }

 private:
  std::string topic(const char* type) const {
    return std::string(kNamespace) + "/" + group_ + "/" + type + "/" + node_;
  }
  std::string device_topic(const char* type, std::size_t d) const {
    return topic(type) + "/" + devices_[d].name;
  }

  static bool same_metrics(const std::vector<DeviceMetrics>& a,
                           const std::vector<DeviceMetrics>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i].name != b[i].name || a[i].points.size() != b[i].points.size()) return false;
      for (std::size_t k = 0; k < a[i].points.size(); ++k) {
        const PointMetric &x = a[i].points[k], &y = b[i].points[k];
        if (x.id != y.id || x.type != y.type || x.unit != y.unit || x.writable != y.writable)
          return false;
      }
    }
    return true;
  }

  static Incoming& refused(Incoming& in, const std::string& id, const std::string& point,
                           std::string why) {
    Refusal r;
    r.id = id;
    r.op = "set";
    r.point = point;
    r.error = std::move(why);
    in.commands.push_back({r, "", nullptr});
    return in;
  }

  pb::Payload payload() const {
    pb::Payload p;
    p.set_timestamp(static_cast<std::uint64_t>(wall_ms()));
    return p;
  }

  // The next seq, and the message on the wire.
  Message numbered(std::string t, pb::Payload& p) {
    p.set_seq(seq_);
    seq_ = (seq_ + 1) % 256;
    return {std::move(t), p.SerializeAsString()};
  }

  void add_bdseq(pb::Payload& p) const {
    PbMetric* m = p.add_metrics();
    m->set_name("bdSeq");
    m->set_datatype(pb::UInt64);
    m->set_long_value(static_cast<std::uint64_t>(std::max(bdseq_, 0)));
  }

  static PbMetric& add_node_metric(pb::Payload& p, std::uint64_t alias, bool birth) {
    PbMetric* m = p.add_metrics();
    const NodeMetricSpec& spec = node_metrics().at(alias);
    if (birth) m->set_name(spec.name);
    m->set_alias(alias);
    m->set_datatype(spec.type);
    return *m;
  }

  // Devices/NAME/{ok,errors,last_error}: from the status's device figures.
  static void add_health(pb::Payload& p, const DeviceMetrics& d, const StatusSnapshot& s,
                         bool birth) {
    const auto it = s.devices.find(d.name);
    const DeviceHealth h = it == s.devices.end() ? DeviceHealth{} : it->second;
    const std::string prefix = "Devices/" + d.name + "/";
    const std::pair<const char*, pb::DataType> fields[] = {
        {"ok", pb::UInt64}, {"errors", pb::UInt64}, {"last_error", pb::String}};
    for (std::uint64_t k = 0; k < 3; ++k) {
      PbMetric* m = p.add_metrics();
      if (birth) m->set_name(prefix + fields[k].first);
      m->set_alias(d.health_alias + k);
      m->set_datatype(fields[k].second);
      if (k == 0) m->set_long_value(static_cast<std::uint64_t>(h.ok));
      if (k == 1) m->set_long_value(static_cast<std::uint64_t>(h.errors));
      if (k == 2) {
        if (h.last_error.empty()) m->set_is_null(true);
        else m->set_string_value(h.last_error);
      }
    }
  }

  // DBIRTH: every point of device d with its name, alias, datatype and properties; the
  // value of `values[i]` where there is one (nullptr or an error: is_null).
  Message dbirth(std::size_t d, const std::vector<const Reading*>& values) {
    pb::Payload p = payload();
    const DeviceMetrics& dm = devices_[d];
    for (std::size_t i = 0; i < dm.points.size(); ++i) {
      const PointMetric& pm = dm.points[i];
      PbMetric* m = p.add_metrics();
      m->set_name(pm.name);
      m->set_alias(pm.alias);
      m->set_datatype(pm.type);
      if (!pm.unit.empty()) {
        add_property(*m, "engUnit", pb::String);
        m->mutable_properties()->mutable_values()->rbegin()->set_string_value(pm.unit);
      }
      add_property(*m, "readOnly", pb::Boolean);
      m->mutable_properties()->mutable_values()->rbegin()->set_boolean_value(!pm.writable);
      const Reading* r = values[i];
      if (r) m->set_timestamp(static_cast<std::uint64_t>(r->ts_ms));
      set_reading_value(*m, pm, r);
    }
    born_.insert(d);
    return numbered(device_topic("DBIRTH", d), p);
  }

  void add_reading(pb::Payload& p, const Reading& r, bool historical) const {
    const auto& [d, i] = by_id_.at(r.point);
    const PointMetric& pm = devices_[d].points[i];
    PbMetric* m = p.add_metrics();
    m->set_alias(pm.alias);
    m->set_datatype(pm.type);
    m->set_timestamp(static_cast<std::uint64_t>(r.ts_ms));
    if (historical) m->set_is_historical(true);
    set_reading_value(*m, pm, &r);
  }

  static void set_reading_value(PbMetric& m, const PointMetric& pm, const Reading* r) {
    if (!r || !r->value || std::isnan(*r->value) || r->quality == Quality::error) {
      m.set_is_null(true);
      if (r) mark_bad(m);
      return;
    }
    // The Forwarder has written telemetry at its resolution; a birth's latest value not yet.
    set_value(m, pm.type, pm.resolution.apply(*r->value));
    if (r->quality == Quality::bad) mark_bad(m);
  }

  std::string group_, node_;
  Duration hold_{30 * 60 * 1000};
  std::vector<DeviceMetrics> devices_;
  std::map<std::string, std::pair<std::size_t, std::size_t>> by_id_;  // -> device, point
  int bdseq_ = -1;  // the first session is 0
  std::uint64_t seq_ = 0;
  std::int64_t birth_ms_ = 0;
  std::set<std::size_t> born_;
};

}  // namespace

std::unique_ptr<Profile> sparkplug_profile(const config::Config& config) {
  return std::make_unique<SparkplugProfile>(config);
}

}  // namespace farmgate::uplink
