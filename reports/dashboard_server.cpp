// The dashboard's HTTP/1.1 server: one Beast session per connection on an Asio strand.
// Boost.Beast compiles slowly, so this is the only file that includes it.
#include "reports/dashboard_server.hpp"

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <csignal>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include "core/error.hpp"

namespace sextant::reports {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// The most a connection reads after an error answer, so that the peer, still sending, sees
// the answer rather than a reset; and how long in all it waits for the peer to close.
constexpr std::size_t kMaxDrainBytes = 1 << 20;
constexpr auto kDrainTimeout = std::chrono::seconds(2);

std::string_view view(beast::string_view s) { return {s.data(), s.size()}; }

bool is_parse_error(const beast::error_code& ec) {
  return &ec.category() == &http::make_error_code(http::error::bad_target).category();
}

// A loopback server answers only requests naming a loopback host, so that a web page from
// elsewhere cannot read it through a DNS name rebound to 127.0.0.1.
bool is_loopback_host(std::string_view host) {
  if (host.empty()) return true;  // HTTP/1.0 may send none
  std::string_view name = host;
  if (name.front() == '[') {
    name = name.substr(1, name.find(']') == std::string_view::npos ? name.size() : name.find(']') - 1);
  } else if (const auto colon = name.rfind(':'); colon != std::string_view::npos) {
    name = name.substr(0, colon);
  }
  return name == "localhost" || name == "::1" || name.rfind("127.", 0) == 0;
}

// What every session reads: the dashboard, the limits, the count of open connections.
struct Shared {
  Dashboard& dashboard;
  ServerOptions options;
  bool loopback = true;
  std::atomic<std::size_t> connections{0};
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, Shared& server) : stream_(std::move(socket)), server_(server) { ++server_.connections; }
  ~Session() { --server_.connections; }

  void start() { net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::read, shared_from_this())); }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(kMaxRequestHeaderBytes));
    stream_.expires_after(server_.options.read_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      // The parser has the request line once it ended; without it, the line alone was too long.
      const bool line_ended = !parser_->get().target().empty();
      return fail_request(line_ended ? 431 : 414, fmt::format("the request {} is longer than {} bytes",
                                                              line_ended ? "header" : "line", kMaxRequestHeaderBytes));
    }
    if (ec && is_parse_error(ec) && ec != http::error::end_of_stream && ec != http::error::partial_message)
      return fail_request(400, fmt::format("malformed request: {}", ec.message()));
    if (ec) return;  // closed, reset or timed out (the stream closes the socket itself then)

    const auto& request = parser_->get();
    const std::string_view method = view(request.method_string());
    if (!parser_->is_done()) {
      const bool known = method == "GET" || method == "HEAD";
      return fail_request(known ? 413 : 405,
                          known ? "the dashboard takes no request body" : "the dashboard answers GET and HEAD only",
                          !known);
    }
    HttpReply reply;
    if (server_.loopback && !is_loopback_host(view(request[http::field::host])))
      reply = error_reply(403, "this server answers requests for localhost only (its Host header names another)");
    else
      reply = server_.dashboard.respond(method, view(request.target()));
    send(reply, request.method() == http::verb::head, request.keep_alive(), request.version());
  }

  // Answers and closes: what is left of the request is not read as a request.
  void fail_request(int status, std::string_view message, bool allow_header = false) {
    HttpReply reply = error_reply(status, message);
    if (allow_header) reply.headers.emplace_back("Allow", "GET, HEAD");
    send(reply, false, false, 11);
  }

  void send(const HttpReply& reply, bool head, bool keep_alive, unsigned version) {
    if (head) {
      auto response =
          std::make_shared<http::response<http::empty_body>>(static_cast<http::status>(reply.status), version);
      fill(*response, reply, keep_alive);
      response->content_length(reply.body.size());
      write(std::move(response), keep_alive);
    } else {
      auto response = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(reply.status),
                                                                          version, reply.body);
      fill(*response, reply, keep_alive);
      response->prepare_payload();
      write(std::move(response), keep_alive);
    }
  }

  template <class Response>
  static void fill(Response& response, const HttpReply& reply, bool keep_alive) {
    response.set(http::field::server, "sextant");
    response.set(http::field::content_type, reply.content_type);
    for (const auto& [name, value] : reply.headers) response.set(name, value);
    response.keep_alive(keep_alive);
  }

  template <class Response>
  void write(std::shared_ptr<Response> response, bool keep_alive) {
    stream_.expires_after(server_.options.write_timeout);
    http::async_write(stream_, *response,
                      [self = shared_from_this(), response, keep_alive](beast::error_code ec, std::size_t) {
                        if (ec) return;
                        if (keep_alive)
                          self->read();
                        else
                          self->linger();
                      });
  }

  // Closes our side for sending, then reads (and drops) what the peer still sends until it
  // closes, so that its unread bytes do not turn our close into a reset that loses the answer.
  void linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kDrainTimeout);  // in all, however slowly the peer sends
    drain();
  }

  void drain() {
    stream_.async_read_some(net::buffer(scratch_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->drained_ += n;
      if (!ec && self->drained_ < kMaxDrainBytes) self->drain();
    });
  }

  beast::tcp_stream stream_;
  Shared& server_;
  beast::flat_buffer buffer_{2 * kMaxRequestHeaderBytes};
  std::optional<http::request_parser<http::empty_body>> parser_;
  std::array<char, 4096> scratch_{};
  std::size_t drained_ = 0;
};

}  // namespace

struct DashboardServer::Impl {
  Impl(Dashboard& d, ServerOptions o)
      : shared{d, std::move(o)},
        ioc(std::max(1, shared.options.threads)),
        acceptor(net::make_strand(ioc)),
        retry(acceptor.get_executor()) {}

  void accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void shut_down();

  Shared shared;
  // Declared after `shared` and before the I/O objects: the io_context is destroyed after
  // them, and destroys the sessions it still holds (which use `shared`) before it goes.
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::steady_timer retry;
  std::optional<net::signal_set> signals;
  tcp::endpoint endpoint;
};

void DashboardServer::Impl::accept() {
  acceptor.async_accept(net::make_strand(ioc), beast::bind_front_handler(&Impl::on_accept, this));
}

void DashboardServer::Impl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (!acceptor.is_open()) return;
  if (ec) {
    // Out of file descriptors, say: try again shortly rather than spin.
    retry.expires_after(std::chrono::milliseconds(100));
    retry.async_wait([this](beast::error_code e) {
      if (!e) accept();
    });
    return;
  }
  if (shared.connections.load() >= shared.options.max_connections) {
    beast::error_code ignored;
    socket.close(ignored);
  } else {
    std::make_shared<Session>(std::move(socket), shared)->start();
  }
  accept();
}

void DashboardServer::Impl::shut_down() {
  beast::error_code ignored;
  acceptor.close(ignored);
  retry.cancel();
  if (signals) signals->cancel(ignored);
  ioc.stop();
}

DashboardServer::DashboardServer(Dashboard& dashboard, ServerOptions options)
    : impl_(std::make_unique<Impl>(dashboard, std::move(options))) {
  Impl& s = *impl_;
  const ServerOptions& o = s.shared.options;
  beast::error_code ec;
  const auto address = net::ip::make_address(o.bind, ec);
  if (ec) throw UsageError(fmt::format("serve: --bind \"{}\" is not an IPv4 or IPv6 address", o.bind));
  s.shared.loopback = address.is_loopback();
  const tcp::endpoint wanted(address, o.port);
  const auto check = [&](const char* what) {
    if (ec) fail("cannot listen on {} port {}: {} ({})", o.bind, o.port, ec.message(), what);
  };
  s.acceptor.open(wanted.protocol(), ec);
  check("open");
  s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  check("reuse_address");
  s.acceptor.bind(wanted, ec);
  check("bind");
  s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  check("listen");
  s.endpoint = s.acceptor.local_endpoint(ec);
  check("local_endpoint");
  // Installed now, not in run(), so that a signal between the two is not the default death.
  if (o.handle_signals) {
    s.signals.emplace(s.ioc, SIGINT, SIGTERM);
    s.signals->async_wait([&s](beast::error_code e, int) {
      if (!e) net::post(s.acceptor.get_executor(), [&s] { s.shut_down(); });
    });
  }
}

DashboardServer::~DashboardServer() = default;

std::uint16_t DashboardServer::port() const { return impl_->endpoint.port(); }

std::string DashboardServer::url() const {
  const auto address = impl_->endpoint.address();
  const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return fmt::format("http://{}:{}/", host, port());
}

void DashboardServer::run() {
  Impl& s = *impl_;
  net::dispatch(s.acceptor.get_executor(), [&s] { s.accept(); });
  std::vector<std::thread> threads;
  for (int i = 1; i < s.shared.options.threads; ++i) threads.emplace_back([&s] { s.ioc.run(); });
  s.ioc.run();
  for (auto& t : threads) t.join();
}

void DashboardServer::stop() {
  Impl& s = *impl_;
  net::post(s.acceptor.get_executor(), [&s] { s.shut_down(); });
}

}  // namespace sextant::reports
