#include "config/yaml_walker.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "config/suggest.h"
#include "config/units.h"

namespace farmgate::config {

SourcePos position(const YAML::Node& node, const std::string& file) {
  const YAML::Mark m = node.Mark();
  if (m.line < 0 || m.column < 0) return {file, 0, 0};
  return {file, m.line + 1, m.column + 1};
}

std::string line_col(const SourcePos& pos) {
  return std::to_string(pos.line) + ":" + std::to_string(pos.col);
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Scalar:
      return "'" + node.Scalar() + "'";
    default:
      return "nothing";
  }
}

SourcePos Field::value_pos() const {
  if (!value.IsDefined() || value.IsNull()) return key_pos();
  SourcePos p = position(value, file);
  return p.line > 0 ? p : key_pos();
}

Fields Fields::of_map(const YAML::Node& map, const std::string& file, Diagnostics& diags,
                      const char* what, const SourcePos& where) {
  Fields f;
  f.pos = position(map, file);
  if (f.pos.line == 0 || map.IsNull()) f.pos = where;
  if (!map.IsMap()) {
    diags.error(f.pos, std::string("expected a map (") + what + "), got " + describe(map));
    return f;
  }
  f.ok = true;
  // Index of the keys seen: a file of 100k keys is checked in linear time, not quadratic.
  std::unordered_map<std::string, std::size_t> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    Field field{"", it->first, it->second, file};
    if (!it->first.IsScalar()) {
      diags.error(field.key_pos(), "expected a key name, got " + describe(it->first));
      continue;
    }
    field.key = it->first.Scalar();
    const auto [first, fresh] = seen.emplace(field.key, f.entries.size());
    if (!fresh) {
      diags.error(field.key_pos(), "duplicate key '" + field.key + "' (first at " +
                                       line_col(f.entries[first->second].key_pos()) + ")");
      continue;
    }
    f.entries.push_back(std::move(field));
  }
  return f;
}

const Field* Fields::find(const std::string& key) const {
  for (const auto& e : entries)
    if (e.key == key) return &e;
  return nullptr;
}

void Fields::overlay(const Fields& over) {
  for (const auto& o : over.entries) {
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const Field& e) { return e.key == o.key; });
    if (it != entries.end())
      *it = o;
    else
      entries.push_back(o);
  }
}

void Fields::add_if_absent(const Field& f) {
  if (!find(f.key)) entries.push_back(f);
}

MapReader::MapReader(Fields fields, Diagnostics& diags, const std::vector<std::string>& known)
    : fields_(std::move(fields)), diags_(diags) {
  std::vector<Field> kept;
  for (const auto& e : fields_.entries) {
    if (std::find(known.begin(), known.end(), e.key) != known.end()) {
      kept.push_back(e);
      continue;
    }
    diags_.error(e.key_pos(), "unknown key '" + e.key + "'" + did_you_mean(e.key, known));
  }
  fields_.entries = std::move(kept);
}

SourcePos MapReader::value_pos(const std::string& key) const {
  const Field* f = field(key);
  return f ? f->value_pos() : pos();
}

void MapReader::error_at_value(const std::string& key, std::string message) {
  diags_.error(value_pos(key), std::move(message));
}

void MapReader::warning_at_value(const std::string& key, std::string message) {
  diags_.warning(value_pos(key), std::move(message));
}

void MapReader::missing(const std::string& key) {
  diags_.error(pos(), "missing required key '" + key + "'");
}

std::optional<std::string> MapReader::scalar(const std::string& key, const char* what, Need need) {
  const Field* f = field(key);
  if (!f) {
    if (need == Need::required) missing(key);
    return std::nullopt;
  }
  if (!f->value.IsScalar()) {
    error_at_value(key, std::string("expected ") + what + ", got " + describe(f->value));
    return std::nullopt;
  }
  return f->value.Scalar();
}

std::optional<std::string> MapReader::text(const std::string& key, Need need) {
  return scalar(key, "a text", need);
}

std::optional<long long> MapReader::integer(const std::string& key, long long min, long long max,
                                            Need need) {
  auto s = scalar(key, "a whole number", need);
  if (!s) return std::nullopt;
  auto v = parse_integer(*s);
  if (!v.ok()) {
    error_at_value(key, v.error());
    return std::nullopt;
  }
  if (v.value() < min || v.value() > max) {
    error_at_value(
        key, key + " " + *s + " is outside " + std::to_string(min) + ".." + std::to_string(max));
    return std::nullopt;
  }
  return v.value();
}

std::optional<double> MapReader::number(const std::string& key, Need need) {
  auto s = scalar(key, "a number", need);
  if (!s) return std::nullopt;
  auto v = parse_number(*s);
  if (!v.ok()) {
    error_at_value(key, v.error());
    return std::nullopt;
  }
  return v.value();
}

std::optional<bool> MapReader::boolean(const std::string& key, Need need) {
  auto s = scalar(key, "true or false", need);
  if (!s) return std::nullopt;
  std::string l = *s;
  for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (l == "true" || l == "yes" || l == "on") return true;
  if (l == "false" || l == "no" || l == "off") return false;
  error_at_value(key, "expected true or false, got '" + *s + "'");
  return std::nullopt;
}

std::optional<Duration> MapReader::duration(const std::string& key, Duration min, Need need) {
  auto s = scalar(key, "a duration", need);
  if (!s) return std::nullopt;
  auto v = parse_duration(*s);
  if (!v.ok()) {
    error_at_value(key, v.error());
    return std::nullopt;
  }
  if (v.value() < min) {
    error_at_value(key, key + " must be at least " + format_duration(min) + ", got '" + *s + "'");
    return std::nullopt;
  }
  return v.value();
}

std::optional<std::uint64_t> MapReader::size(const std::string& key, Need need) {
  auto s = scalar(key, "a size", need);
  if (!s) return std::nullopt;
  auto v = parse_size(*s);
  if (!v.ok()) {
    error_at_value(key, v.error());
    return std::nullopt;
  }
  return v.value();
}

std::optional<std::uint16_t> MapReader::address(const std::string& key, Need need) {
  auto s = scalar(key, "an address", need);
  if (!s) return std::nullopt;
  auto v = parse_address(*s);
  if (!v.ok()) {
    error_at_value(key, v.error());
    return std::nullopt;
  }
  return v.value();
}

std::optional<std::string> MapReader::choice(const std::string& key,
                                             const std::vector<std::string>& allowed, Need need,
                                             const char* label) {
  std::string list;
  for (std::size_t i = 0; i < allowed.size(); ++i)
    list += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + allowed[i];
  auto s = scalar(key, ("one of " + list).c_str(), need);
  if (!s) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *s) != allowed.end()) return s;
  error_at_value(key, "bad " + (label ? std::string(label) : key) + " '" + *s + "': expected " +
                          list + did_you_mean(*s, allowed));
  return std::nullopt;
}

std::optional<std::vector<std::string>> MapReader::text_list(const std::string& key) {
  auto placed = placed_text_list(key);
  if (!placed) return std::nullopt;
  std::vector<std::string> out;
  for (auto& p : *placed) out.push_back(std::move(p.text));
  return out;
}

std::optional<std::vector<MapReader::PlacedText>> MapReader::placed_text_list(
    const std::string& key) {
  const Field* f = field(key);
  if (!f) return std::nullopt;
  if (f->value.IsScalar())
    return std::vector<PlacedText>{{f->value.Scalar(), f->value_pos()}};
  if (!f->value.IsSequence()) {
    error_at_value(key, "expected a list of texts, got " + describe(f->value));
    return std::nullopt;
  }
  std::vector<PlacedText> out;
  bool ok = true;
  for (const auto& item : f->value) {
    if (!item.IsScalar()) {
      diags_.error(position(item, f->file), "expected a text, got " + describe(item));
      ok = false;
      continue;
    }
    out.push_back({item.Scalar(), position(item, f->file)});
  }
  if (!ok) return std::nullopt;
  return out;
}

std::vector<YAML::Node> list_items(const YAML::Node& node, const Field& field, const char* what,
                                   Diagnostics& diags) {
  std::vector<YAML::Node> out;
  if (!node.IsSequence()) {
    diags.error(field.value_pos(),
                std::string("expected a list of ") + what + ", got " + describe(node));
    return out;
  }
  for (const auto& item : node) out.push_back(item);
  return out;
}

}  // namespace farmgate::config
