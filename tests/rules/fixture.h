// The farm every rules test runs against, built in code (the corpus and the scenarios share it,
// so a case needs only its rules.yaml):
//   pond1_do     poll 10s, stale 30s : do (float32), temp (float32)
//   pond1_relay  poll 2s,  stale 6s  : aerator, feeder, pump (coils, writable), speed (holding, writable)
//   gh1_soil     poll 10s, stale 30s : vwc
//   gh1_valves   poll 2s,  stale 6s  : zone1, zone2, zone3 (coils, writable), alarm_lamp (discrete)
#pragma once

#include <string>

#include "config/config.h"

namespace farmgate::rules::fixture {

inline config::Point point(const std::string& dev, const std::string& name, config::Table t,
                           config::ValueType type, bool writable) {
  config::Point p;
  p.name = name;
  p.id = dev + "." + name;
  p.table = t;
  p.type = type;
  p.writable = writable;
  return p;
}

inline config::Config farm() {
  using config::Table;
  using config::ValueType;
  config::Config c;
  c.gateway.id = "test-gw";
  auto device = [&](const std::string& name, int poll_s) {
    config::Device d;
    d.name = name;
    d.bus = "rs485-1";
    d.poll = Duration(poll_s * 1000);
    d.stale_after = Duration(3 * poll_s * 1000);
    return d;
  };
  auto dobj = device("pond1_do", 10);
  dobj.points = {point("pond1_do", "do", Table::holding, ValueType::float32, false),
                 point("pond1_do", "temp", Table::holding, ValueType::float32, false)};
  auto relay = device("pond1_relay", 2);
  relay.points = {point("pond1_relay", "aerator", Table::coil, ValueType::boolean, true),
                  point("pond1_relay", "feeder", Table::coil, ValueType::boolean, true),
                  point("pond1_relay", "pump", Table::coil, ValueType::boolean, true),
                  point("pond1_relay", "speed", Table::holding, ValueType::uint16, true)};
  auto soil = device("gh1_soil", 10);
  soil.points = {point("gh1_soil", "vwc", Table::input, ValueType::float32, false)};
  auto valves = device("gh1_valves", 2);
  valves.points = {point("gh1_valves", "zone1", Table::coil, ValueType::boolean, true),
                   point("gh1_valves", "zone2", Table::coil, ValueType::boolean, true),
                   point("gh1_valves", "zone3", Table::coil, ValueType::boolean, true),
                   point("gh1_valves", "alarm_lamp", Table::discrete, ValueType::boolean, false)};
  c.devices = {dobj, relay, soil, valves};
  return c;
}

}  // namespace farmgate::rules::fixture
