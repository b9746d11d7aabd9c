#include "tests/cli/cli_fixture.h"

#include "tests/support/process.h"

namespace farmgate::test {

std::string echo(const std::string& line, int col) {
  return line + "\n" + std::string(col - 1, ' ') + "^\n";
}

CliRun run_farmgate(const TempDir& dir, const std::vector<std::string>& args) {
  static int runs = 0;
  const std::string stem = dir.file("farmgate-run-" + std::to_string(++runs));
  // Process sends stdout and stderr to one file; a shell keeps stderr apart.
  std::vector<std::string> argv{"/bin/sh", "-c", "exec \"$@\" 2>'" + stem + ".err'", "sh",
                                built_binary("farmgate")};
  argv.insert(argv.end(), args.begin(), args.end());
  CliRun run;
  {
    Process p(argv, stem + ".out");
    run.code = p.wait(std::chrono::seconds(60));
  }
  run.out = read_file(stem + ".out");
  run.err = read_file(stem + ".err");
  return run;
}

std::string pond_sim(const std::string& server) {
  return R"(control: { port: auto }
servers:
  - )" + server + R"(
    units: [1, 2, 3]
units:
  1:
    holding: { 0: 235, 2: { float32: 5.62, order: CDAB }, 10: { float32: 4.5 } }
    coil: { 0: true, 1: false }
  2: { fault: exception 4 }
  3: { fault: silent }
)";
}

std::string pond_config(const std::string& bus) {
  return R"(gateway: { id: pond-gw }
buses:
  - { name: pond, )" + bus + R"( }
devices:
  - name: pond1
    bus: pond
    unit: 1
    points:
      - { name: temp, table: holding, address: 0, type: int16, scale: 0.1, unit: °C }
      - { name: do, table: holding, address: 2, type: float32, order: CDAB, unit: mg/L }
      - { name: setpoint, table: holding, address: 10, type: float32, unit: mg/L, writable: true }
      - { name: aerator, table: coil, address: 0, writable: true }
      - { name: feeder, table: coil, address: 1, writable: true }
  - name: broken
    bus: pond
    unit: 2
    points:
      - { name: level, table: holding, address: 0, unit: cm, writable: true }
  - name: dead
    bus: pond
    unit: 3
    points:
      - { name: ph, table: holding, address: 0, scale: 0.01 }
)";
}

}  // namespace farmgate::test
