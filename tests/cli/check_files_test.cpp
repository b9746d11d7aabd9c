// `farmgate check` fails (exit 2) on what `run` would fail on at start (spec §7 "Files"):
// files the service's account cannot read, a buffer folder it cannot write, rule files that
// are not readable regular files. Tests run as root, so the account is `--user nobody`.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/cli/cli_fixture.h"
#include "tests/support/as_user.h"

using namespace farmgate::test;

namespace {

// A folder nobody can enter and read (TempDir makes it 0700), holding farmgate.yaml.
std::string config_in(const TempDir& dir, const std::string& text) {
  ::chmod(dir.path().c_str(), 0755);
  const std::string cfg = dir.write("farmgate.yaml", text);
  ::chmod(cfg.c_str(), 0644);
  return cfg;
}

std::string with_password(const std::string& pass, const std::string& storage_dir) {
  return "gateway: { id: gw }\nrules: []\nstorage: { path: " + storage_dir +
         "/buffer.db }\nuplink:\n  url: mqtt://127.0.0.1:1883\n  username: gw\n"
         "  password_file: " + pass + "\n";
}

}  // namespace

TEST_CASE("check fails when the service account cannot read the password file",
          "[cli][check][files]") {
  TempDir dir("cli");
  const std::string pass = dir.write("mqtt.pass", "secret\n");
  ::chmod(pass.c_str(), 0600);  // root's alone: `run` as the service would fail to connect
  ::chmod(dir.path().c_str(), 0777);  // the buffer's folder is fine
  const std::string cfg = config_in(dir, with_password(pass, dir.path()));
  ::chmod(dir.path().c_str(), 0777);
  CliRun r = run_farmgate(dir, {"check", "--user", "nobody", "-c", cfg});
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(r.err.find(cfg + ":7:18: error: " + pass +
                   " cannot be read by user nobody, the service's account: it is root:root 0600 "
                   "and user nobody is neither its owner nor in a group allowed to read it") !=
        std::string::npos);
  // As root (the default where no `farmgate` account exists, as on this machine) it passes.
  CHECK(run_farmgate(dir, {"check", "--user", "root", "-c", cfg}).code == 0);
}

TEST_CASE("check accepts a secret its service group reads, as docs/install.md advises",
          "[cli][check][files]") {
  // install.md: chown root:farmgate, chmod 0640. Here the service is nobody, group nogroup.
  TempDir dir("cli");
  const std::string pass = dir.write("mqtt.pass", "secret\n");
  REQUIRE(::chown(pass.c_str(), 0, farmgate::test::kNobody) == 0);
  ::chmod(pass.c_str(), 0640);
  const std::string cfg = config_in(dir, with_password(pass, dir.path()));
  ::chmod(dir.path().c_str(), 0777);
  CliRun r = run_farmgate(dir, {"check", "--user", "nobody", "-c", cfg});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.err.find("warning") == std::string::npos);  // no "chmod 600" advice against the docs
}

TEST_CASE("check warns of a secret that others can read", "[cli][check][files]") {
  TempDir dir("cli");
  const std::string pass = dir.write("mqtt.pass", "secret\n");
  ::chmod(pass.c_str(), 0644);
  const std::string cfg = config_in(dir, with_password(pass, dir.path()));
  CliRun r = run_farmgate(dir, {"check", "--user", "root", "-c", cfg});
  CHECK(r.code == 0);
  CHECK(r.err.find("warning: " + pass + " can be read or written by others (root:root 0644): "
                   "chown root:farmgate " + pass + " && chmod 0640 " + pass) !=
        std::string::npos);
}

TEST_CASE("check fails when the service account cannot create the buffer",
          "[cli][check][files]") {
  TempDir dir("cli");
  const std::string pass = dir.write("mqtt.pass", "secret\n");
  ::chmod(pass.c_str(), 0644);
  // dir is root's 0755: nobody may enter it but not create buffer.db in it.
  const std::string cfg = config_in(dir, with_password(pass, dir.path()));
  CliRun r = run_farmgate(dir, {"check", "--user", "nobody", "-c", cfg});
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(r.err.find(cfg + ":3:18: error: the buffer cannot be created in " + dir.path() +
                   " by user nobody, the service's account: the folder " + dir.path() +
                   " (root:root 0755) is not writable by user nobody") != std::string::npos);
}

TEST_CASE("check with an unknown --user is a usage error", "[cli][check][files]") {
  TempDir dir("cli");
  const std::string cfg = config_in(dir, "gateway: { id: gw }\nrules: []\n");
  CliRun r = run_farmgate(dir, {"check", "--user", "no-such-account-here", "-c", cfg});
  CHECK(r.code == 2);
  CHECK(r.err == "error: --user: no user 'no-such-account-here' on this system\n");
}

TEST_CASE("check lists rule file errors together with the main file's", "[cli][check][files]") {
  TempDir dir("cli");
  const std::string cfg = config_in(dir, "gateway: { id: Pond }\nrules: [a.yaml, b.yaml, c.yaml]\n");
  dir.write("a.yaml", "");
  REQUIRE(::mkfifo(dir.file("b.yaml").c_str(), 0644) == 0);  // would hang a plain reader
  REQUIRE(::symlink("/dev/zero", dir.file("c.yaml").c_str()) == 0);
  CliRun r = run_farmgate(dir, {"check", "-c", cfg});
  CHECK(r.code == 2);
  CHECK(r.err ==
        cfg + ":1:16: error: bad gateway id 'Pond': use lower-case letters, digits, '_' and "
              "'-' only (it appears in MQTT topics)\n" +
        echo("gateway: { id: Pond }", 16) + dir.file("a.yaml") +
        ":1:1: error: the rule file is empty (no rules, actuators or alarms); to have none, "
        "write `rules: []` or remove the file from `rules:`\n" +
        dir.file("b.yaml") +
        ":1:1: error: cannot read the rule file: it is a FIFO (named pipe), not a regular file\n" +
        dir.file("c.yaml") +
        ":1:1: error: cannot read the rule file: it is a character device, not a regular file\n" +
        cfg + ": invalid\n");
}
