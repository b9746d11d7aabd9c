// One point of a device (its own keys merged over a profile's point of the same name).
#include "config/sections.h"
#include "config/units.h"

namespace farmgate::config {
namespace {

const std::vector<std::string> kPointKeys = {
    "name",  "table", "address",  "type",      "order",    "scale",       "offset",
    "unit",  "valid", "writable", "precision", "deadband", "report_every"};

// The 4G link's keys (spec §8): how a value is written and when it is worth sending.
void read_reporting(MapReader& r, Point& p) {
  if (auto d = r.integer("precision", 0, 12)) p.precision = static_cast<int>(*d);
  if (auto d = r.number("deadband")) {
    if (*d < 0)
      r.error_at_value("deadband", "deadband must be 0 or more (in the point's unit)");
    else
      p.deadband = *d;
  }
  if (auto e = r.duration("report_every", Duration{1000})) p.report_every = *e;
}

Table table_of(const std::string& s) {
  if (s == "input") return Table::input;
  if (s == "coil") return Table::coil;
  if (s == "discrete") return Table::discrete;
  return Table::holding;
}

ValueType type_of(const std::string& s) {
  static const std::vector<std::pair<const char*, ValueType>> kTypes = {
      {"bool", ValueType::boolean},   {"int16", ValueType::int16},
      {"uint16", ValueType::uint16},  {"int32", ValueType::int32},
      {"uint32", ValueType::uint32},  {"int64", ValueType::int64},
      {"uint64", ValueType::uint64},  {"float32", ValueType::float32},
      {"float64", ValueType::float64}};
  for (const auto& [name, t] : kTypes)
    if (s == name) return t;
  return ValueType::uint16;
}

ByteOrder order_of(const std::string& s) {
  if (s == "CDAB") return ByteOrder::CDAB;
  if (s == "BADC") return ByteOrder::BADC;
  if (s == "DCBA") return ByteOrder::DCBA;
  return ByteOrder::ABCD;
}

// valid: [min, max]
bool read_valid(MapReader& r, Point& p) {
  const Field* f = r.field("valid");
  if (!f) return true;
  if (!f->value.IsSequence() || f->value.size() != 2) {
    r.error_at_value("valid", "expected [min, max], got " + describe(f->value));
    return false;
  }
  double v[2] = {0, 0};
  for (std::size_t i = 0; i < 2; ++i) {
    const YAML::Node item = f->value[i];
    auto n = item.IsScalar() ? parse_number(item.Scalar()) : Parsed<double>{std::string()};
    if (!n.ok()) {
      r.diags().error(position(item, f->file), "expected a number, got " + describe(item));
      return false;
    }
    v[i] = n.value();
  }
  if (v[0] > v[1]) {
    r.error_at_value("valid", "valid range [" + f->value[0].Scalar() + ", " + f->value[1].Scalar() +
                                  "] has min above max");
    return false;
  }
  p.valid_min = v[0];
  p.valid_max = v[1];
  return true;
}

// A mistake made of two keys (type and table, say) is reported at `a`, unless only `b` was
// written in the point's own file: a device overriding a profile's point should be told
// about its own line, not the profile's.
std::string blame(const MapReader& r, const std::string& a, const std::string& b) {
  const Field* fa = r.field(a);
  const Field* fb = r.field(b);
  if (fa && fb && fa->file != r.pos().file && fb->file == r.pos().file) return b;
  return a;
}

// Device manuals often number registers the old Modicon way: coils from 00001, discrete
// inputs from 10001, input registers from 30001, holding registers from 40001. On the wire
// (and in farmgate) they count from 0, so `address: 40001` usually means holding 0. Some
// devices do use such protocol addresses (SunSpec starts at 40000), hence a warning.
struct ManualNumbering {
  Table table;
  long first;  // the manual's number of protocol address 0
  const char* what;
};

constexpr ManualNumbering kManualNumbering[] = {
    {Table::discrete, 10001, "discrete inputs"},
    {Table::input, 30001, "input registers"},
    {Table::holding, 40001, "holding registers"},
};

std::optional<std::string> manual_numbering_hint(Table table, long address) {
  for (const auto& m : kManualNumbering) {
    if (address < m.first || address > m.first + 9998) continue;
    // A 3xxxx number on a holding point (or 4xxxx on input) is still manual numbering.
    const bool registers = table == Table::holding || table == Table::input;
    const bool applies = table == m.table || (registers && m.table != Table::discrete);
    if (!applies) continue;
    std::string hint = "Modbus manuals count " + std::string(m.what) + " from " +
                       std::to_string(m.first) + ": the protocol address is " +
                       std::to_string(address - m.first);
    if (table != m.table) hint += std::string(" on table ") + to_string(m.table);
    return hint + " (if the manual says " + std::to_string(address) + ")";
  }
  return std::nullopt;
}

}  // namespace

std::optional<Point> read_point(const Fields& fields, const std::string& device,
                                Diagnostics& diags) {
  const std::size_t errors_before = diags.all().size();
  MapReader r(fields, diags, kPointKeys);
  Point p;
  p.pos = r.pos();
  if (auto n = r.text("name", Need::required)) {
    if (is_identifier(*n))
      p.name = *n;
    else
      r.error_at_value("name", "bad point name '" + *n +
                                   "': use letters, digits and '_', not starting with a digit");
  }
  p.id = device + "." + p.name;
  auto table = r.has("table") ? r.choice("table", {"holding", "input", "coil", "discrete"})
                              : std::optional<std::string>("holding");
  if (table) p.table = table_of(*table);
  auto address = r.address("address", Need::required);
  if (address) p.address = *address;
  auto type = r.choice("type", {"bool", "int16", "uint16", "int32", "uint32", "int64", "uint64",
                                "float32", "float64"});
  if (table) {
    p.type = is_bit_table(p.table) ? ValueType::boolean : ValueType::uint16;
    if (type) {
      p.type = type_of(*type);
      if (is_bit_table(p.table) != (p.type == ValueType::boolean))
        r.error_at_value(
            blame(r, "type", "table"),
            *type + " does not fit table " + *table +
                (is_bit_table(p.table) ? " (bit tables hold bool)" : " (registers hold numbers)"));
    }
    if (auto hint = address ? manual_numbering_hint(p.table, *address) : std::nullopt)
      r.warning_at_value("address", *hint);
    if (address) {
      const long last = static_cast<long>(*address) + register_count(p.type) - 1;
      if (last > 65535)
        r.error_at_value(blame(r, "address", "type"),
                         std::string(to_string(p.type)) + " at address " +
                             std::to_string(*address) + " spans past 65535");
    }
  }
  if (auto o = r.choice("order", {"ABCD", "CDAB", "BADC", "DCBA"}, Need::optional, "byte order"))
    p.order = order_of(*o);
  p.scale = r.number("scale").value_or(1);
  p.offset = r.number("offset").value_or(0);
  p.unit = r.text("unit").value_or("");
  read_valid(r, p);
  p.writable = r.boolean("writable").value_or(false);
  read_reporting(r, p);
  if (p.writable && table && (p.table == Table::input || p.table == Table::discrete))
    r.error_at_value(blame(r, "writable", "table"),
                     "table " + *table + " is read-only: the point cannot be writable");
  if (diags.all().size() != errors_before && diags.has_errors()) {
    // Something in this point was wrong; warnings alone still give a point.
    for (std::size_t i = errors_before; i < diags.all().size(); ++i)
      if (diags.all()[i].severity == Diagnostic::Severity::error) return std::nullopt;
  }
  return p;
}

}  // namespace farmgate::config
