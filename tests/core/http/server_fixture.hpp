// SPDX-License-Identifier: MIT
/// Test helpers for the server adapter: a server running on its own thread, a raw TCP client
/// that writes exact bytes and reads whole responses, and request and response shorthands.
#pragma once

#include "core/http/server.hpp"

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

namespace hooks::test {

using namespace std::chrono_literals;

/// Options for a test server: loopback, a free port, two I/O threads, no signal handling.
inline http::ServerOptions test_options() {
    http::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    options.drain_timeout = 2s;
    options.limits.header_timeout = 2s;
    options.limits.body_timeout = 2s;
    options.limits.idle_timeout = 2s;
    return options;
}

/// A bound server whose run() goes on a thread of its own; stopped and joined on destruction.
class TestServer {
  public:
    TestServer(const http::ServerOptions& options, http::Handler handler) {
        start(http::Server::bind(options, std::move(handler), collect_rejections()));
    }
    TestServer(const http::ServerOptions& options, http::AsyncHandler handler) {
        start(http::Server::bind(options, std::move(handler), collect_rejections()));
    }
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;
    ~TestServer() { stop_and_wait(); }

    std::uint16_t port() const { return m_server->port(); }
    http::Server& server() { return *m_server; }

    std::vector<http::Rejection> rejections() const {
        std::lock_guard lock(m_mutex);
        return m_rejections;
    }

    /// Stops the server and waits for run() to return.
    void stop_and_wait() {
        if (m_thread.joinable()) {
            m_server->stop();
            m_thread.join();
        }
    }

    /// Waits for run() to return after the test stopped the server itself.
    void wait() {
        if (m_thread.joinable()) {
            m_thread.join();
        }
    }

  private:
    http::RejectionHandler collect_rejections() {
        return [this](const http::Rejection& rejection) {
            std::lock_guard lock(m_mutex);
            m_rejections.push_back(rejection);
        };
    }
    void start(Result<std::unique_ptr<http::Server>> bound) {
        REQUIRE(bound);
        m_server = std::move(*bound);
        m_thread = std::thread([this] { m_server->run(); });
    }

    std::unique_ptr<http::Server> m_server;
    mutable std::mutex m_mutex;
    std::vector<http::Rejection> m_rejections;
    std::thread m_thread;
};

/// One response as read off the wire.
struct RawResponse {
    int status = 0;   ///< 0 when no complete response arrived
    std::string head; ///< status line and headers, without the blank line
    std::string body;

    /// The value of the first header named `name` (exact case as the server writes it).
    std::optional<std::string> header(std::string_view name) const {
        auto key = "\r\n" + std::string(name) + ": ";
        auto at = head.find(key);
        if (at == std::string::npos) {
            return std::nullopt;
        }
        auto start = at + key.size();
        return head.substr(start, head.find("\r\n", start) - start);
    }
};

/// A blocking TCP client with timeouts on every read.
class RawClient {
  public:
    explicit RawClient(std::uint16_t port) {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(m_fd >= 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    }
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;
    ~RawClient() { ::close(m_fd); }

    /// Writes all of `bytes`; false once the server has closed.
    bool send(std::string_view bytes) {
        while (!bytes.empty()) {
            auto written = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (written <= 0) {
                return false;
            }
            bytes.remove_prefix(static_cast<std::size_t>(written));
        }
        return true;
    }

    /// Reads one response: Content-Length framed, or without a body for 1xx/204/304 and when
    /// `has_body` is false (an answer to HEAD).
    RawResponse read_response(std::chrono::milliseconds timeout = 2s, bool has_body = true) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        std::size_t end = 0;
        while ((end = m_pending.find("\r\n\r\n")) == std::string::npos) {
            if (!fill(deadline)) {
                return {};
            }
        }
        RawResponse response;
        response.head = m_pending.substr(0, end);
        response.status = std::stoi(response.head.substr(9, 3));
        auto length = has_body ? std::stoul(response.header("Content-Length").value_or("0")) : 0;
        while (m_pending.size() < end + 4 + length) {
            if (!fill(deadline)) {
                return {};
            }
        }
        response.body = m_pending.substr(end + 4, length);
        m_pending.erase(0, end + 4 + length);
        return response;
    }

    /// Whether the server closes the connection within `timeout` (whatever it sends first is
    /// dropped).
    bool closed_within(std::chrono::milliseconds timeout) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (fill(deadline)) {
        }
        return m_eof;
    }

    /// Whether nothing at all arrives within `timeout` (the connection stays open and quiet).
    bool quiet_for(std::chrono::milliseconds timeout) {
        return !fill(std::chrono::steady_clock::now() + timeout) && !m_eof;
    }

  private:
    bool fill(std::chrono::steady_clock::time_point deadline) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd entry{m_fd, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&entry, 1, static_cast<int>(left.count())) <= 0) {
            return false;
        }
        char buffer[16384];
        auto got = ::recv(m_fd, buffer, sizeof buffer, 0);
        if (got <= 0) {
            m_eof = true;
            return false;
        }
        m_pending.append(buffer, static_cast<std::size_t>(got));
        return true;
    }

    int m_fd = -1;
    std::string m_pending;
    bool m_eof = false;
};

/// A response with `status` and `body`.
inline http::Response answer(int status, std::string body = {}) {
    http::Response response;
    response.status = status;
    response.body = std::move(body);
    return response;
}

/// A handler that answers 200 with the request target as the body.
inline http::Response echo_target(http::IncomingRequest& request) {
    return answer(200, request.message.target);
}

/// A complete POST request with `extra` header lines (each ending in CRLF).
inline std::string post(std::string_view target, std::string_view body,
                        std::string_view extra = {}) {
    return "POST " + std::string(target) + " HTTP/1.1\r\nHost: t\r\n" + std::string(extra) +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

/// Milliseconds since `start`.
inline long long elapsed_ms(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start)
        .count();
}

} // namespace hooks::test

namespace Catch {
template <> struct StringMaker<hooks::message::Header> {
    static std::string convert(const hooks::message::Header& header) {
        return "{\"" + header.name + "\", \"" + header.value + "\"}";
    }
};
} // namespace Catch
