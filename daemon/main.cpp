// farmgate: the command line (spec §2). Each subcommand lives in its own cmd_*.cpp.
#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"farmgate: edge gateway for smart farming and aquaculture"};
  app.set_version_flag("--version", std::string("farmgate ") + FARMGATE_VERSION);
  app.require_subcommand(1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return 0;
}
