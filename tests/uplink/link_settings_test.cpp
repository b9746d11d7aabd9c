#include "uplink/link_settings.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/uplink/fixtures.h"

using namespace farmgate;
using namespace farmgate::uplink;

TEST_CASE("urls become Paho's tcp:// and ssl:// with the scheme's default port", "[link]") {
  struct Case {
    const char* url;
    const char* uri;
    bool tls;
  };
  const Case cases[] = {
      {"mqtt://broker.example", "tcp://broker.example:1883", false},
      {"mqtt://127.0.0.1:11883", "tcp://127.0.0.1:11883", false},
      {"mqtts://platform.example:8883", "ssl://platform.example:8883", true},
      {"mqtts://platform.example/", "ssl://platform.example:8883", true},
      {"mqtts://[::1]", "ssl://[::1]:8883", true},
      {"http://x", "", false},
  };
  for (const auto& c : cases) {
    bool tls = false;
    CHECK(paho_uri(c.url, &tls) == c.uri);
    if (*c.uri) CHECK(tls == c.tls);
  }
}

TEST_CASE("the password file loses its trailing newline", "[link]") {
  test::TempDir dir;
  std::string pw, error;
  REQUIRE(read_password_file(dir.write("lf", "s3cret\n"), &pw, &error));
  CHECK(pw == "s3cret");
  REQUIRE(read_password_file(dir.write("crlf", "s3cret\r\n"), &pw, &error));
  CHECK(pw == "s3cret");
  REQUIRE(read_password_file(dir.write("none", "with space "), &pw, &error));
  CHECK(pw == "with space ");
}

TEST_CASE("an unreadable password file is a clear error naming it", "[link]") {
  test::TempDir dir;
  auto c = test::uplink_config("mqtts://platform.example", dir.file("db"));
  c.uplink->password_file = dir.file("missing.pass");
  auto s = link_settings(c);
  REQUIRE(std::holds_alternative<std::string>(s));
  CHECK(std::get<std::string>(s) == "uplink.password_file " + dir.file("missing.pass") +
                                        ": cannot read: No such file or directory");
}

TEST_CASE("settings: tls trusts ca_file, else the system bundle, with topics and will", "[link]") {
  test::TempDir dir;
  auto c = test::uplink_config("mqtts://platform.example", dir.file("db"));
  c.uplink->username = "gw01";
  c.uplink->password_file = dir.write("pass", "pw\n");
  c.uplink->client_id = "";
  auto s = std::get<LinkSettings>(link_settings(c));
  CHECK(s.tls);
  CHECK(s.trust_store == kSystemCaBundle);
  CHECK(s.client_id == "gw-test");  // defaults to gateway.id
  CHECK(s.password == "pw");
  CHECK(s.topic_base == "farmgate/gw-test/");
  CHECK(s.will_payload == R"({"state":"offline"})");
  c.uplink->ca_file = "/etc/farmgate/ca.pem";
  CHECK(std::get<LinkSettings>(link_settings(c)).trust_store == "/etc/farmgate/ca.pem");
}

TEST_CASE("the password from password_file logs in, and a wrong one is reported as such",
          "[link][mqtt]") {
  test::TempDir dir;
  std::string out;
  REQUIRE(test::run_command(
              {"mosquitto_passwd", "-b", "-c", dir.file("broker.pw"), "gw01", "s3cret"}, &out) ==
          0);
  test::Broker broker(dir.path(), 0,
                      "allow_anonymous false\npassword_file " + dir.file("broker.pw") + "\n");
  auto c = test::uplink_config(broker.url(), dir.file("buffer.db"));
  c.uplink->username = "gw01";
  SECTION("right password, with the editor's trailing newline") {
    c.uplink->password_file = dir.write("mqtt.pass", "s3cret\n");
    test::Gateway gw(c);
    gw.loop.on_loop([&] {
      gw.uplink->start();
      return 0;
    });
    REQUIRE(test::wait_until([&] { return gw.connected(); }));
  }
  SECTION("wrong password") {
    c.uplink->password_file = dir.write("mqtt.pass", "guess\n");
    test::Gateway gw(c);
    gw.loop.on_loop([&] {
      gw.uplink->start();
      return 0;
    });
    REQUIRE(test::wait_until([&] { return !gw.last_error().empty(); }));
    CHECK(gw.last_error() ==
          "connect to mqtt://127.0.0.1:" + std::to_string(broker.port()) +
              " failed: refused by the broker: not authorized (check username and password_file)");
    CHECK_FALSE(gw.connected());
  }
}
