// mqtts:// against a mosquitto TLS listener with a CA and server certificate made here.
#include <catch2/catch.hpp>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/uplink/fixtures.h"
#include "tests/uplink/probe.h"

using namespace farmgate;
using farmgate::test::Broker;
using farmgate::test::Gateway;
using farmgate::test::Probe;
using farmgate::test::TempDir;

namespace {

void run(const std::vector<std::string>& argv) {
  std::string out;
  int code = test::run_command(argv, &out);
  INFO(out);
  REQUIRE(code == 0);
}

// A throwaway CA and a server certificate for 127.0.0.1 signed by it (EC keys: fast).
void make_certificates(const TempDir& dir) {
  const std::string ec = "ec:" + dir.file("ec.param");
  run({"openssl", "ecparam", "-name", "prime256v1", "-out", dir.file("ec.param")});
  run({"openssl", "req", "-x509", "-newkey", ec, "-nodes", "-keyout", dir.file("ca.key"), "-out",
       dir.file("ca.pem"), "-days", "2", "-subj", "/CN=farmgate test CA"});
  run({"openssl", "req", "-newkey", ec, "-nodes", "-keyout", dir.file("server.key"), "-out",
       dir.file("server.csr"), "-subj", "/CN=127.0.0.1"});
  dir.write("server.ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  run({"openssl", "x509", "-req", "-in", dir.file("server.csr"), "-CA", dir.file("ca.pem"),
       "-CAkey", dir.file("ca.key"), "-CAcreateserial", "-out", dir.file("server.pem"), "-days",
       "2", "-extfile", dir.file("server.ext")});
}

struct TlsBroker {
  explicit TlsBroker(const TempDir& dir)
      : tls_port(test::free_tcp_port()),
        broker((make_certificates(dir), dir.path()), 0,
               "listener " + std::to_string(tls_port) + " 127.0.0.1\n" + "cafile " +
                   dir.file("ca.pem") + "\ncertfile " + dir.file("server.pem") + "\nkeyfile " +
                   dir.file("server.key") + "\n") {
    REQUIRE(test::wait_for_tcp_port(tls_port));
  }
  std::string url() const { return "mqtts://127.0.0.1:" + std::to_string(tls_port); }
  int tls_port;
  Broker broker;  // a plain listener for the probe, the TLS one for the gateway
};

}  // namespace

TEST_CASE("mqtts with the configured CA connects and delivers", "[tls][mqtt]") {
  TempDir dir;
  TlsBroker tls(dir);
  Probe probe(tls.broker.url(), test::topic("telemetry"));
  auto config = test::uplink_config(tls.url(), dir.file("buffer.db"));
  config.uplink->ca_file = dir.file("ca.pem");
  Gateway gw(config);
  gw.add_readings(3);
  gw.loop.on_loop([&] {
    gw.uplink->start();
    return 0;
  });
  REQUIRE(test::wait_until([&] { return gw.connected(); }));
  REQUIRE(probe.wait_for([](auto& m) { return test::telemetry_seqs(m).size() >= 3; }));
  REQUIRE(test::wait_until([&] { return gw.stats().unsent == 0; }));
  CHECK(gw.last_error().empty());
}

TEST_CASE("mqtts without the CA (system trust store) fails with a certificate error",
          "[tls][mqtt]") {
  TempDir dir;
  TlsBroker tls(dir);
  Gateway gw(test::uplink_config(tls.url(), dir.file("buffer.db")));
  gw.add_readings(3);
  gw.loop.on_loop([&] {
    gw.uplink->start();
    return 0;
  });
  // Paho reports the failure at once; OpenSSL's reason follows from the link's TLS probe.
  test::wait_until(
      [&] { return gw.last_error().find("certificate verify failed") != std::string::npos; });
  INFO(gw.last_error());
  CHECK(gw.last_error().find("certificate verify failed") != std::string::npos);
  CHECK_FALSE(gw.connected());
  CHECK(gw.stats().unsent == 3);
}
