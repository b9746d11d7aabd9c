// The subcommands of `farmgate` (spec §2), one function each, one file each (cmd_*.cpp).
// Each returns the process exit code: 0 ok, 1 runtime failure, 2 usage or config error.
#pragma once

#include <string>
#include <vector>

namespace farmgate::daemon {

enum ExitCode { kOk = 0, kRuntimeFailure = 1, kUsageError = 2 };

// `service_user`: the account whose access to the files is judged ("" = the default,
// config::default_service_user()).
int cmd_check(const std::string& config_path, const std::string& service_user = "");
// `check --points`: every point id of the config (only the writable ones when asked), one a
// line; exit 2 when the config is invalid.
int cmd_check_points(const std::string& config_path, bool writable_only);
int cmd_read(const std::string& config_path, const std::vector<std::string>& points);
int cmd_write(const std::string& config_path, const std::string& point, const std::string& value);
int cmd_scan(const std::string& config_path, const std::string& bus, const std::string& units);
int cmd_run(const std::string& config_path);
// Asks the running daemon over its status socket; exit 1 when none answers.
int cmd_status(const std::string& config_path, bool as_json);
int cmd_replay(const std::string& config_path, const std::string& db, const std::string& since);

}  // namespace farmgate::daemon
