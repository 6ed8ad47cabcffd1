// SPDX-License-Identifier: MIT
#include "core/http/server.hpp"

#include "core/http/server_session.hpp"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <exception>
#include <thread>
#include <utility>

namespace hooks::http {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using detail::Worker;

// How long to wait before accepting again after the system refused (out of descriptors).
constexpr std::chrono::milliseconds k_accept_retry{50};

std::string lowercase_first(std::string text) {
    if (!text.empty() && text.front() >= 'A' && text.front() <= 'Z') {
        text.front() = static_cast<char>(text.front() - 'A' + 'a');
    }
    return text;
}

std::string join_host_port(std::string_view host, std::uint16_t port) {
    bool is_v6 = host.find(':') != std::string_view::npos;
    return (is_v6 ? "[" + std::string(host) + "]" : std::string(host)) + ":" + std::to_string(port);
}

/// A numeric address as is; a name through the resolver, preferring IPv4 (the loopback most
/// local senders use for "localhost").
Result<tcp::endpoint> resolve(asio::io_context& io, std::string host, std::uint16_t port) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    beast::error_code ec;
    auto address = asio::ip::make_address(host, ec);
    if (!ec) {
        return tcp::endpoint(address, port);
    }
    tcp::resolver resolver(io);
    auto results = resolver.resolve(host, std::to_string(port),
                                    tcp::resolver::numeric_service | tcp::resolver::passive, ec);
    if (ec || results.empty()) {
        return fail(ErrorKind::config, "cannot resolve host '" + host + "': " +
                                           lowercase_first(ec ? ec.message() : "no address"));
    }
    auto v4 = std::find_if(results.begin(), results.end(),
                           [](const auto& entry) { return entry.endpoint().address().is_v4(); });
    return v4 != results.end() ? v4->endpoint() : results.begin()->endpoint();
}

} // namespace

void detail::ServerShared::report(const std::string& remote, int status, std::string reason) const {
    if (!on_rejection) {
        return;
    }
    std::replace_if(
        reason.begin(), reason.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    try {
        on_rejection(Rejection{remote, status, std::move(reason)});
    } catch (...) {
        // A reporting failure must not end the I/O thread that serves other connections.
    }
}

void detail::ServerShared::release_connection() {
    if (open.fetch_sub(1) == 1 && stopping.load() && on_drained) {
        on_drained();
    }
}

// Members are destroyed bottom-up, and the order matters: a pending accept on the control
// context holds a socket of a worker's context, so the workers go last.
struct Server::Impl {
    detail::ServerShared shared;
    ServerOptions options;
    std::vector<std::unique_ptr<Worker>> workers;
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;
    // The caller's thread runs the control context: accepting and the drain. It never
    // runs a handler, so a stop is never held up by one.
    asio::io_context control{1};
    tcp::acceptor acceptor{control};
    asio::steady_timer drain_timer{control};
    asio::steady_timer accept_retry{control};
    std::string host;
    std::uint16_t port = 0;
    std::size_t next_worker = 0;
    bool stopping = false;
    bool finished = false;

    Impl(const ServerOptions& server_options, Handler handler, AsyncHandler async,
         RejectionHandler on_rejection);
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl();

    Result<void> listen();
    void accept();
    void on_accept(beast::error_code ec, detail::Socket socket, Worker& worker);
    void begin_stop();
    void check_drained();
    void finish();
    void close_remaining();
};

Server::Impl::Impl(const ServerOptions& server_options, Handler handler, AsyncHandler async,
                   RejectionHandler on_rejection)
    : options(server_options) {
    const auto& limits = options.limits;
    shared.limits = limits;
    shared.handler = std::move(handler);
    shared.async = std::move(async);
    shared.on_rejection = std::move(on_rejection);
    shared.tick =
        std::max(std::min({limits.header_timeout, limits.body_timeout, limits.idle_timeout}),
                 std::chrono::milliseconds{1});
    shared.on_drained = [this] { asio::post(control, [this] { check_drained(); }); };
    if (options.blocking_threads > 0) {
        shared.blocking = std::make_unique<asio::thread_pool>(options.blocking_threads);
    }
    unsigned threads = options.threads != 0 ? options.threads : std::thread::hardware_concurrency();
    for (unsigned i = 0; i < std::max(threads, 1U); ++i) {
        workers.push_back(std::make_unique<Worker>());
        work.push_back(asio::make_work_guard(workers.back()->io));
    }
}

Server::Impl::~Impl() {
    // Handlers still running on the pool hold sessions and post to the workers' contexts: wait
    // for them while those contexts exist.
    if (shared.blocking) {
        shared.blocking->join();
        shared.blocking.reset();
    }
    // The control context is destroyed before the workers' queued sessions: none may post to it.
    shared.on_drained = nullptr;
}

Result<void> Server::Impl::listen() {
    auto endpoint = resolve(control, options.host, options.port);
    if (!endpoint) {
        return tl::unexpected(endpoint.error());
    }
    beast::error_code ec;
    acceptor.open(endpoint->protocol(), ec);
    if (!ec) {
        acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
        acceptor.bind(*endpoint, ec);
    }
    if (!ec) {
        acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    auto local = ec ? tcp::endpoint{} : acceptor.local_endpoint(ec);
    if (ec) {
        return fail(ErrorKind::config,
                    "cannot listen on " +
                        join_host_port(endpoint->address().to_string(), options.port) + ": " +
                        lowercase_first(ec.message()));
    }
    host = local.address().to_string();
    port = local.port();
    return {};
}

void Server::Impl::accept() {
    auto& worker = *workers[next_worker];
    next_worker = (next_worker + 1) % workers.size();
    acceptor.async_accept(worker.io, [this, &worker](beast::error_code ec, detail::Socket socket) {
        on_accept(ec, std::move(socket), worker);
    });
}

void Server::Impl::on_accept(beast::error_code ec, detail::Socket socket, Worker& worker) {
    if (stopping || ec == asio::error::operation_aborted) {
        return;
    }
    if (ec) {
        accept_retry.expires_after(k_accept_retry);
        accept_retry.async_wait([this](beast::error_code wait_ec) {
            if (!wait_ec && !stopping) {
                accept();
            }
        });
        return;
    }
    bool over_capacity = shared.open.fetch_add(1) >= options.limits.max_connections;
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto session =
        std::make_shared<detail::ServerSession>(shared, worker, std::move(socket), over_capacity);
    asio::post(worker.io, [session = std::move(session)] { session->start(); });
    accept();
}

void Server::Impl::begin_stop() {
    if (stopping) {
        finish(); // a second stop: no more waiting
        return;
    }
    stopping = true;
    shared.stopping = true;
    beast::error_code ignored;
    acceptor.close(ignored);
    accept_retry.cancel();
    for (auto& worker : workers) {
        asio::post(worker->io, [&sessions = worker->sessions] {
            for (auto it = sessions.begin(); it != sessions.end();) {
                // close() erases the session's own entry, so step past it first.
                auto session = (it++)->lock();
                if (session) {
                    session->on_server_stop();
                }
            }
        });
    }
    drain_timer.expires_after(options.drain_timeout);
    drain_timer.async_wait([this](beast::error_code ec) {
        if (!ec) {
            finish();
        }
    });
    check_drained();
}

void Server::Impl::check_drained() {
    if (stopping && shared.open.load() == 0) {
        finish();
    }
}

void Server::Impl::finish() {
    if (finished) {
        return;
    }
    finished = true;
    drain_timer.cancel();
    for (auto& worker : workers) {
        worker->io.stop();
    }
    control.stop();
}

void Server::Impl::close_remaining() {
    // Every I/O thread has stopped: what is left was cut off by the drain timeout.
    for (auto& worker : workers) {
        auto& sessions = worker->sessions;
        for (auto it = sessions.begin(); it != sessions.end();) {
            auto session = (it++)->lock();
            if (session) {
                session->close();
            }
        }
    }
    if (shared.blocking) {
        shared.blocking->stop(); // queued handlers are dropped; running ones end in ~Impl
    }
}

Server::Server(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::bind(const ServerOptions& options, Handler handler,
                                             RejectionHandler on_rejection) {
    auto impl = std::make_unique<Impl>(options, std::move(handler), AsyncHandler{},
                                       std::move(on_rejection));
    if (auto listening = impl->listen(); !listening) {
        return tl::unexpected(listening.error());
    }
    return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Result<std::unique_ptr<Server>> Server::bind(const ServerOptions& options, AsyncHandler handler,
                                             RejectionHandler on_rejection) {
    auto impl =
        std::make_unique<Impl>(options, Handler{}, std::move(handler), std::move(on_rejection));
    if (auto listening = impl->listen(); !listening) {
        return tl::unexpected(listening.error());
    }
    return std::unique_ptr<Server>(new Server(std::move(impl)));
}

const std::string& Server::host() const {
    return m_impl->host;
}

std::uint16_t Server::port() const {
    return m_impl->port;
}

void Server::run() {
    auto& impl = *m_impl;
    impl.accept();
    std::vector<std::thread> threads;
    threads.reserve(impl.workers.size());
    for (auto& worker : impl.workers) {
        threads.emplace_back([&io = worker->io] { io.run(); });
    }
    impl.control.run();
    impl.finish();
    for (auto& thread : threads) {
        thread.join();
    }
    impl.close_remaining();
}

void Server::stop() {
    asio::post(m_impl->control, [impl = m_impl.get()] { impl->begin_stop(); });
}

} // namespace hooks::http
