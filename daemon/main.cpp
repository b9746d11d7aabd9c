// farmgate: the command line (spec §2). Each subcommand lives in its own cmd_*.cpp.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>

#include "common/log.h"
#include "config/suggest.h"
#include "daemon/commands.h"

namespace {

constexpr const char* kDefaultConfig = "/etc/farmgate/farmgate.yaml";

// The footers of `--help`: an example and the exit codes each command really returns (the
// cmd_*.cpp files). docs/farmgate.1 repeats them; tests/docs/manpage_test.py keeps the two in
// step.
constexpr const char* kMainFooter =
    "Run 'farmgate COMMAND --help' for an example and the exit codes of each command.\n"
    "Exit codes: 0 ok, 1 runtime failure, 2 usage or config error.\n"
    "Manual: man farmgate";

constexpr const char* kRunFooter =
    "Example:\n"
    "  farmgate run -c /etc/farmgate/farmgate.yaml\n"
    "  (as a service: systemctl start farmgate; SIGHUP reloads the config and rules)\n"
    "Exit codes:\n"
    "  0  stopped by SIGTERM or SIGINT with everything committed\n"
    "  1  runtime failure: the buffer or a serial port held by another farmgate, the page's\n"
    "     port taken, readings that could not be committed at the stop\n"
    "  2  invalid config or rules, or a bad option";

constexpr const char* kCheckFooter =
    "Example:\n"
    "  farmgate check -c /etc/farmgate/farmgate.yaml\n"
    "  farmgate check -c /etc/farmgate/farmgate.yaml --points --writable\n"
    "Exit codes:\n"
    "  0  valid\n"
    "  2  invalid (each error as FILE:LINE:COL: error: ...), or a bad option";

constexpr const char* kReadFooter =
    "Example:\n"
    "  farmgate read -c /etc/farmgate/farmgate.yaml pond1_do.do pond1_ph.ph\n"
    "Exit codes:\n"
    "  0  every point was read\n"
    "  1  a point could not be read, or the running daemon holds the serial port\n"
    "  2  invalid config, an unknown point, or a bad option";

constexpr const char* kWriteFooter =
    "Example:\n"
    "  farmgate write -c /etc/farmgate/farmgate.yaml pond1_relay.aerator on\n"
    "Exit codes:\n"
    "  0  written and read back\n"
    "  1  the write failed, or the running daemon holds the serial port\n"
    "  2  invalid config, an unknown or read-only point, a value the point cannot take,\n"
    "     or a bad option";

constexpr const char* kScanFooter =
    "Example:\n"
    "  farmgate scan -c /etc/farmgate/farmgate.yaml --bus rs485-1 --units 1-20\n"
    "Prints each unit that answered, and each that sent a reply it cannot use (another unit\n"
    "id, truncated, bad CRC); a progress line on stderr when it is a terminal.\n"
    "Exit codes:\n"
    "  0  scan done (also when no unit answered)\n"
    "  1  the bus cannot be opened, or the running daemon holds the serial port\n"
    "  2  invalid config, an unknown bus, or bad --units";

constexpr const char* kReplayFooter =
    "Example:\n"
    "  farmgate replay -c /etc/farmgate/farmgate.yaml --db /var/lib/farmgate/buffer.db "
    "--since 6h\n"
    "Exit codes:\n"
    "  0  replayed\n"
    "  1  no readings recorded in the database, or it cannot be read\n"
    "  2  invalid config or rules, bad --since, or a bad option";

constexpr const char* kStatusFooter =
    "Example:\n"
    "  sudo farmgate status -c /etc/farmgate/farmgate.yaml\n"
    "Exit codes:\n"
    "  0  printed\n"
    "  1  no daemon answers (not running, still starting, or no access: run as root or as a\n"
    "     member of group farmgate)\n"
    "  2  invalid config, or a bad option";

CLI::Option* add_config_option(CLI::App* cmd, std::string& path) {
  return cmd->add_option("-c,--config", path, "the main config file")
      ->default_val(kDefaultConfig)
      ->capture_default_str();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace farmgate::daemon;
  CLI::App app{"farmgate: edge gateway for smart farming and aquaculture"};
  app.set_version_flag("--version", std::string("farmgate ") + FARMGATE_VERSION);
  app.require_subcommand(1);
  app.footer(kMainFooter);
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "also log debug lines (readings, rule decisions)");

  std::string config = kDefaultConfig;
  std::vector<std::string> points;
  std::string point, value, bus, units = "1-247", db, since = "24h";

  auto* run = app.add_subcommand("run", "run the daemon in the foreground");
  run->footer(kRunFooter);
  add_config_option(run, config);

  auto* check = app.add_subcommand("check", "validate the config, profiles and rules; print a summary");
  check->footer(kCheckFooter);
  add_config_option(check, config);
  std::string service_user;
  check->add_option("--user", service_user,
                    "judge file access as this account (default: farmgate where it exists, "
                    "else you)");
  bool list_points = false, writable_only = false;
  check->add_flag("--points", list_points,
                  "print only the point ids, DEVICE.POINT, one a line (for shell completion)");
  check->add_flag("--writable", writable_only, "with --points: only the writable points")
      ->needs("--points");

  auto* read = app.add_subcommand("read", "read points once and print their decoded values");
  read->footer(kReadFooter);
  add_config_option(read, config);
  read->add_option("points", points, "point ids, DEVICE.POINT")->required();

  auto* write = app.add_subcommand("write", "write one value to a writable point, then read it back");
  write->footer(kWriteFooter);
  add_config_option(write, config);
  write->add_option("point", point, "point id, DEVICE.POINT")->required();
  write->add_option("value", value, "on/off/true/false/1/0 for a bool point, else a number")
      ->required();

  auto* scan = app.add_subcommand("scan", "find which unit ids answer on a bus");
  scan->footer(kScanFooter);
  add_config_option(scan, config);
  scan->add_option("--bus", bus, "bus name from the config")->required();
  scan->add_option("--units", units, "unit ids to try, e.g. 1-247 or 1,2,10-20")
      ->capture_default_str();

  auto* replay = app.add_subcommand("replay", "run the rules over recorded readings in virtual time");
  replay->footer(kReplayFooter);
  add_config_option(replay, config);
  replay->add_option("--db", db, "the buffer database to replay")->required();
  replay->add_option("--since", since, "how far back to start, e.g. 24h or 90m")
      ->capture_default_str();

  bool as_json = false;
  auto* status = app.add_subcommand("status", "print the running daemon's points, actuators, alarms and health");
  status->footer(kStatusFooter);
  add_config_option(status, config);
  status->add_flag("--json", as_json, "print the JSON of the page's /api/status");

  // `farmgate read --version` works too (spec §2: --help and --version everywhere), and -v
  // goes where a technician adds it last: `farmgate run -c x.yaml -v`.
  for (CLI::App* sub : {run, check, read, write, scan, replay, status}) {
    sub->set_version_flag("--version", std::string("farmgate ") + FARMGATE_VERSION);
    sub->add_flag("-v,--verbose", verbose, "also log debug lines (readings, rule decisions)");
  }

  // CLI11 would only say "A subcommand is required" for `farmgate chek`: name the word.
  const std::vector<std::string> commands{"run", "check", "read", "write", "scan", "replay", "status"};
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (!word.empty() && word[0] == '-') continue;
    if (std::find(commands.begin(), commands.end(), word) != commands.end()) break;
    std::cerr << "error: unknown command '" << word << "'"
              << farmgate::config::did_you_mean(word, commands)
              << "; commands: run, check, read, write, scan, replay, status\n"
              << "Run with --help for more information.\n";
    return kUsageError;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kOk : kUsageError;
  }
  farmgate::log::set_verbose(verbose);

  try {
    if (*run) return cmd_run(config);
    if (*check && list_points) return cmd_check_points(config, writable_only);
    if (*check) return cmd_check(config, service_user);
    if (*read) return cmd_read(config, points);
    if (*write) return cmd_write(config, point, value);
    if (*scan) return cmd_scan(config, bus, units);
    if (*replay) return cmd_replay(config, db, since);
    if (*status) return cmd_status(config, as_json);
  } catch (const std::exception& e) {
    farmgate::log::error(e.what());
    return kRuntimeFailure;
  }
  return kUsageError;
}
