// Reading one YAML file into a node, with every way that can fail turned into a diagnostic
// at FILE:LINE:COL (private to fg_config).
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

#include "config/diagnostic.h"

namespace farmgate::config {

// The document of `path`; nothing when the file cannot be read, is empty (or only comments)
// or is not valid YAML — each reported in `diags` at `path` (syntax errors where yaml-cpp
// found them, the rest at 1:1).
std::optional<YAML::Node> read_yaml_file(const std::string& path, Diagnostics& diags);

// `rel` relative to `dir` ("" is the current folder); an absolute `rel` stays as it is.
std::string join_path(const std::string& dir, const std::string& rel);

// The folder part of a file path: "a/b.yaml" -> "a", "b.yaml" -> "".
std::string dir_of(const std::string& path);

}  // namespace farmgate::config
