#include "uplink/tls_probe.h"

#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>

namespace farmgate::uplink {
namespace {

struct Free {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
  void operator()(SSL* s) const { SSL_free(s); }
  void operator()(addrinfo* a) const { freeaddrinfo(a); }
};

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

// "ssl://host:port" or "ssl://[::1]:port" -> host, port.
bool split_uri(const std::string& uri, std::string& host, std::string& port) {
  auto start = uri.find("://");
  if (start == std::string::npos) return false;
  std::string rest = uri.substr(start + 3);
  auto colon = rest.rfind(':');
  if (colon == std::string::npos) return false;
  host = rest.substr(0, colon);
  port = rest.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return !host.empty() && !port.empty();
}

std::string openssl_error() {
  unsigned long e = ERR_get_error();
  if (!e) return "handshake failed";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

// A TCP connection that gives up after `timeout`, with reads and writes bounded the same.
int connect_with_timeout(const std::string& host, const std::string& port, Duration timeout,
                         std::string& error) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &raw); rc != 0) {
    error = "cannot resolve " + host + ": " + gai_strerror(rc);
    return -1;
  }
  std::unique_ptr<addrinfo, Free> list(raw);
  for (addrinfo* a = list.get(); a; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) continue;
    int rc = connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int soerr = 0;
      socklen_t len = sizeof soerr;
      if (poll(&p, 1, static_cast<int>(timeout.count())) == 1 &&
          getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr == 0)
        rc = 0;
      else
        errno = soerr ? soerr : ETIMEDOUT;
    }
    if (rc == 0) {
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
      timeval tv{static_cast<time_t>(timeout.count() / 1000),
                 static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
      return fd;
    }
    error = "connect to " + host + ":" + port + ": " + std::strerror(errno);
    close(fd);
  }
  return -1;
}

}  // namespace

std::string probe_tls(const LinkSettings& settings, const std::string& server_uri,
                      Duration timeout) {
  std::string host, port;
  if (!split_uri(server_uri, host, port)) return "bad server address " + server_uri;

  std::unique_ptr<SSL_CTX, Free> ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return openssl_error();
  if (SSL_CTX_load_verify_locations(ctx.get(), settings.trust_store.c_str(), nullptr) != 1)
    return "cannot load the trust store " + settings.trust_store + ": " + openssl_error();
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  if (!settings.cert_file.empty() &&
      SSL_CTX_use_certificate_chain_file(ctx.get(), settings.cert_file.c_str()) != 1)
    return "cannot load cert_file " + settings.cert_file + ": " + openssl_error();
  if (!settings.key_file.empty() &&
      SSL_CTX_use_PrivateKey_file(ctx.get(), settings.key_file.c_str(), SSL_FILETYPE_PEM) != 1)
    return "cannot load key_file " + settings.key_file + ": " + openssl_error();

  std::string error;
  Fd sock{connect_with_timeout(host, port, timeout, error)};
  if (sock.fd < 0) return error;

  std::unique_ptr<SSL, Free> ssl(SSL_new(ctx.get()));
  SSL_set_fd(ssl.get(), sock.fd);
  SSL_set_tlsext_host_name(ssl.get(), host.c_str());
  SSL_set1_host(ssl.get(), host.c_str());  // the name must match the certificate
  if (SSL_connect(ssl.get()) == 1) {
    SSL_shutdown(ssl.get());
    return "";
  }
  long verify = SSL_get_verify_result(ssl.get());
  if (verify != X509_V_OK)
    return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
  return openssl_error();
}

}  // namespace farmgate::uplink
