// The dashboard's HTTP server (Boost.Beast over Asio, kept to dashboard_server.cpp): accepts
// connections, reads bounded GET/HEAD requests with timeouts, and answers them from a Dashboard.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "reports/dashboard.hpp"

namespace sextant::reports {

struct ServerOptions {
  std::string bind = "127.0.0.1";  // an IPv4 or IPv6 address
  std::uint16_t port = 8080;       // 0: any free port (port() says which)
  int threads = 2;
  bool handle_signals = true;                      // SIGINT and SIGTERM stop run()
  std::chrono::milliseconds read_timeout{15000};   // for a whole request header, and between keep-alive requests
  std::chrono::milliseconds write_timeout{30000};  // for a whole response
  std::size_t max_connections = 64;                // beyond it, a new connection is closed at once
};

// Request headers (request line included) beyond this get 431, or 414 when the request line
// alone is longer; a request with a body gets 413 (405 unless GET or HEAD).
inline constexpr std::size_t kMaxRequestHeaderBytes = 8192;

class DashboardServer {
 public:
  // Binds and listens; throws sextant::Error when the address is not one or cannot be bound.
  DashboardServer(Dashboard& dashboard, ServerOptions options);
  ~DashboardServer();
  DashboardServer(const DashboardServer&) = delete;
  DashboardServer& operator=(const DashboardServer&) = delete;

  std::uint16_t port() const;
  std::string url() const;  // "http://127.0.0.1:8080/"

  // Serves until stop() or (with handle_signals) SIGINT / SIGTERM; then returns.
  void run();
  // Callable from any thread, before or during run().
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sextant::reports
