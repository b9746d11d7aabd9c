#include "config/config.h"

namespace farmgate::config {

const char* to_string(Table t) {
  switch (t) {
    case Table::holding: return "holding";
    case Table::input: return "input";
    case Table::coil: return "coil";
    case Table::discrete: return "discrete";
  }
  return "?";
}

const char* to_string(ValueType t) {
  switch (t) {
    case ValueType::boolean: return "bool";
    case ValueType::int16: return "int16";
    case ValueType::uint16: return "uint16";
    case ValueType::int32: return "int32";
    case ValueType::uint32: return "uint32";
    case ValueType::int64: return "int64";
    case ValueType::uint64: return "uint64";
    case ValueType::float32: return "float32";
    case ValueType::float64: return "float64";
  }
  return "?";
}

const char* to_string(ByteOrder o) {
  switch (o) {
    case ByteOrder::ABCD: return "ABCD";
    case ByteOrder::CDAB: return "CDAB";
    case ByteOrder::BADC: return "BADC";
    case ByteOrder::DCBA: return "DCBA";
  }
  return "?";
}

const char* to_string(UplinkProfile p) {
  switch (p) {
    case UplinkProfile::farmgate: return "farmgate";
    case UplinkProfile::thingsboard: return "thingsboard";
    case UplinkProfile::sparkplug: return "sparkplug";
  }
  return "?";
}

int register_count(ValueType t) {
  switch (t) {
    case ValueType::int32:
    case ValueType::uint32:
    case ValueType::float32: return 2;
    case ValueType::int64:
    case ValueType::uint64:
    case ValueType::float64: return 4;
    default: return 1;
  }
}

bool is_bit_table(Table t) { return t == Table::coil || t == Table::discrete; }

const Bus* Config::find_bus(const std::string& name) const {
  for (const auto& b : buses)
    if (b.name == name) return &b;
  return nullptr;
}

const Device* Config::find_device(const std::string& name) const {
  for (const auto& d : devices)
    if (d.name == name) return &d;
  return nullptr;
}

const Point* Config::find_point(const std::string& id, const Device** device) const {
  auto dot = id.find('.');
  if (dot == std::string::npos) return nullptr;
  const Device* d = find_device(id.substr(0, dot));
  if (!d) return nullptr;
  const std::string name = id.substr(dot + 1);
  for (const auto& p : d->points) {
    if (p.name == name) {
      if (device) *device = d;
      return &p;
    }
  }
  return nullptr;
}

}  // namespace farmgate::config
