// Typed, diagnosing access to YAML maps (private to fg_config).
//
// A MapReader is built over the entries of one map (Fields) with the list of keys that map
// may hold; it reports unknown keys (with a suggestion) at once. Each accessor then reads one
// key, checks its type and range, and on a mistake records a positioned error and returns
// nothing, so the caller simply goes on and every mistake of a file is collected.
// Positions: a key's problem is reported at the key, a value's at the value, a missing key
// at the map that should hold it.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "config/diagnostic.h"

namespace farmgate::config {

// 1-based position of a node in `file`; a node without a mark (a null value) gives line 0.
SourcePos position(const YAML::Node& node, const std::string& file);

// "12:7": where a first occurrence was, for "duplicate ... (first at 12:7)".
std::string line_col(const SourcePos& pos);

// "'abc'", "a list", "a map" or "nothing": how a wrong value is quoted back to the user.
std::string describe(const YAML::Node& node);

// One `key: value` of a map, remembering the file it came from (profiles merge into devices).
struct Field {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
  std::string file;

  SourcePos key_pos() const { return position(key_node, file); }
  // The value's position; for a null value (`key:` with nothing after) the key's.
  SourcePos value_pos() const;
};

// The entries of a map, in file order.
class Fields {
 public:
  // Reports a node that is not a map (at the node, or at `where` when the node has no
  // position, e.g. a null value), keys that are not plain names, and duplicate keys (the
  // first one wins). `what` names the map in the message: "expected a map (WHAT), got ...".
  static Fields of_map(const YAML::Node& map, const std::string& file, Diagnostics& diags,
                       const char* what, const SourcePos& where = {});

  const Field* find(const std::string& key) const;
  // Entries of `over` replace those with the same key; new keys are appended.
  void overlay(const Fields& over);
  // Adds `f` unless the key is already present.
  void add_if_absent(const Field& f);

  SourcePos pos;    // where the map starts
  bool ok = false;  // the node was a map
  std::vector<Field> entries;
};

enum class Need { optional, required };

class MapReader {
 public:
  MapReader(Fields fields, Diagnostics& diags, const std::vector<std::string>& known);

  bool has(const std::string& key) const { return fields_.find(key) != nullptr; }
  const Field* field(const std::string& key) const { return fields_.find(key); }
  const SourcePos& pos() const { return fields_.pos; }
  SourcePos value_pos(const std::string& key) const;
  Diagnostics& diags() { return diags_; }

  // Each returns nothing when the key is absent (an error when required) or its value is
  // wrong (an error at the value).
  std::optional<std::string> text(const std::string& key, Need need = Need::optional);
  std::optional<long long> integer(const std::string& key, long long min, long long max,
                                   Need need = Need::optional);
  std::optional<double> number(const std::string& key, Need need = Need::optional);
  std::optional<bool> boolean(const std::string& key, Need need = Need::optional);
  // min: the smallest duration that makes sense (e.g. 1ms for a poll period).
  std::optional<Duration> duration(const std::string& key, Duration min = Duration{0},
                                   Need need = Need::optional);
  std::optional<std::uint64_t> size(const std::string& key, Need need = Need::optional);
  std::optional<std::uint16_t> address(const std::string& key, Need need = Need::optional);
  // One of `allowed`; a wrong value gives "bad LABEL 'x': expected a, b or c" (LABEL
  // defaults to the key).
  std::optional<std::string> choice(const std::string& key, const std::vector<std::string>& allowed,
                                    Need need = Need::optional, const char* label = nullptr);
  // A list or a single value (kept as a one-element list) of texts.
  std::optional<std::vector<std::string>> text_list(const std::string& key);
  // The same, each text with where it was written (for a warning about one entry).
  struct PlacedText {
    std::string text;
    SourcePos pos;
  };
  std::optional<std::vector<PlacedText>> placed_text_list(const std::string& key);

  void error_at_value(const std::string& key, std::string message);
  void warning_at_value(const std::string& key, std::string message);
  void missing(const std::string& key);

 private:
  // The scalar text of `key`, or nothing (with an error "expected WHAT, got ...").
  std::optional<std::string> scalar(const std::string& key, const char* what, Need need);

  Fields fields_;
  Diagnostics& diags_;
};

// Elements of a list node; anything else is reported ("expected a list of WHAT").
std::vector<YAML::Node> list_items(const YAML::Node& node, const Field& field, const char* what,
                                   Diagnostics& diags);

}  // namespace farmgate::config
