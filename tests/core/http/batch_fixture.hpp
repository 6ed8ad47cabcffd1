// SPDX-License-Identifier: MIT
/// Test helpers for the batch engine: a driver over a list of requests, request and option
/// shorthands, and a raw listening socket.
#pragma once

#include "core/http/batch.hpp"
#include "core/http/server_fixture.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <functional>
#include <map>

namespace hooks::test {

using Clock = std::chrono::steady_clock;
using Decide =
    std::function<std::optional<http::BatchRetry>(std::uint64_t, int, const http::AttemptResult&)>;

/// `request` as the engine's callers hand it over (to_wire()), with `host` for a missing Host.
inline http::WireRequest wire(const message::Message& request, const std::string& host) {
    auto made = http::to_wire(request, host);
    REQUIRE(made);
    return std::move(*made);
}

/// A driver over a list of requests: tag i is requests[i], given Host `host` when it has none;
/// `decide` picks retries (none by default). It checks the engine's promise never to call it
/// from two threads at once.
class ListDriver final : public http::BatchDriver {
  public:
    explicit ListDriver(std::vector<message::Message> requests, std::string host = "127.0.0.1")
        : m_requests(std::move(requests)), m_host(std::move(host)) {}

    Result<std::optional<http::BatchJob>> next() override {
        Guard guard(m_busy);
        if (fail_next_at && *fail_next_at == m_next) {
            return fail(ErrorKind::input, "the driver gives up");
        }
        if (m_next == m_requests.size()) {
            CHECK_FALSE(m_is_exhausted);
            m_is_exhausted = true;
            return std::nullopt;
        }
        ++open;
        max_open = std::max(max_open, open);
        std::uint64_t tag = m_next++;
        return http::BatchJob{tag, wire(m_requests[tag], m_host)};
    }

    Result<std::optional<http::BatchRetry>> finished(std::uint64_t tag, int attempt,
                                                     const http::AttemptResult& result) override {
        Guard guard(m_busy);
        auto& seen = results[tag];
        CHECK(static_cast<int>(seen.size()) + 1 == attempt);
        seen.push_back(result);
        if (fail_finished_at && *fail_finished_at == tag) {
            return fail(ErrorKind::input, "the driver fails on a result");
        }
        auto retry = decide ? decide(tag, attempt, result) : std::nullopt;
        if (!retry) {
            --open;
        }
        return retry;
    }

    Result<http::WireRequest> rebuild(std::uint64_t tag, int attempt) override {
        Guard guard(m_busy);
        rebuilt.emplace_back(tag, attempt);
        if (!rebuild_with) {
            return fail(ErrorKind::input, "nothing to rebuild");
        }
        return http::to_wire(rebuild_with(tag, attempt), m_host);
    }

    bool should_stop() override { return stop_after && results.size() >= *stop_after; }

    std::map<std::uint64_t, std::vector<http::AttemptResult>> results;
    Decide decide;
    /// The request for a retry that asked to be rebuilt (none: rebuilding fails).
    std::function<message::Message(std::uint64_t, int)> rebuild_with;
    std::vector<std::pair<std::uint64_t, int>> rebuilt; ///< (tag, attempt) as asked
    std::optional<std::size_t> fail_next_at;
    std::optional<std::uint64_t> fail_finished_at;
    std::optional<std::size_t> stop_after;
    std::size_t open = 0;
    std::size_t max_open = 0;

  private:
    struct Guard {
        explicit Guard(std::atomic<bool>& busy) : m_flag(busy) {
            CHECK_FALSE(m_flag.exchange(true));
        }
        Guard(const Guard&) = delete;
        Guard& operator=(const Guard&) = delete;
        ~Guard() { m_flag = false; }
        std::atomic<bool>& m_flag;
    };

    std::vector<message::Message> m_requests;
    std::string m_host;
    std::size_t m_next = 0;
    bool m_is_exhausted = false;
    std::atomic<bool> m_busy = false;
};

inline message::Message post_to(std::string target, std::string body,
                                std::vector<message::Header> headers = {}) {
    message::Message request;
    request.target = std::move(target);
    request.body = std::move(body);
    request.headers = std::move(headers);
    return request;
}

/// http://127.0.0.1:port, or https:// when `is_tls`.
inline http::Url origin_at(std::uint16_t port, bool is_tls = false) {
    auto url = http::parse_url((is_tls ? "https" : "http") + std::string("://127.0.0.1:") +
                               std::to_string(port));
    REQUIRE(url);
    return *url;
}

inline http::BatchOptions batch_options(unsigned concurrency) {
    http::BatchOptions options;
    options.concurrency = concurrency;
    options.client.connect_timeout = 2s;
    options.client.timeout = 5s;
    return options;
}

/// A listening TCP socket on 127.0.0.1 that nobody accepts from unless asked.
class RawListener {
  public:
    RawListener() {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(m_fd >= 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        socklen_t length = sizeof address;
        REQUIRE(::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
        m_port = ntohs(address.sin_port);
    }
    RawListener(const RawListener&) = delete;
    RawListener& operator=(const RawListener&) = delete;
    ~RawListener() { close(); }

    void listen() { REQUIRE(::listen(m_fd, 16) == 0); }
    void close() {
        if (m_fd >= 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }
    int fd() const { return m_fd; }
    std::uint16_t port() const { return m_port; }

  private:
    int m_fd = -1;
    std::uint16_t m_port = 0;
};

} // namespace hooks::test
