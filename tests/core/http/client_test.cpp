// SPDX-License-Identifier: MIT
// The single-request client (a single `hooks send`, listen's forwarding), against servers on raw
// sockets that keep the exact bytes they read, over TCP and TLS.
#include "core/http/client.hpp"
#include "core/http/tls_fixture.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace hooks;
using namespace hooks::test;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using message::Header;

namespace {

/// A plain HTTP server on raw sockets: it keeps every request's bytes (Content-Length framed)
/// and answers each 200 with the target as the body, keeping the connection open unless
/// `closes_after_answer`.
class RawServer {
  public:
    explicit RawServer(bool closes_after_answer = false) : m_closes(closes_after_answer) {
        m_listener.listen();
        m_acceptor = std::thread([this] { accept_all(); });
    }
    RawServer(const RawServer&) = delete;
    RawServer& operator=(const RawServer&) = delete;
    ~RawServer() {
        m_is_stopping = true;
        m_acceptor.join();
        for (auto& thread : m_threads) {
            thread.join();
        }
    }

    std::uint16_t port() const { return m_listener.port(); }
    int accepted() const { return m_accepted; }
    std::vector<std::string> requests() {
        std::lock_guard lock(m_mutex);
        return m_requests;
    }

  private:
    void accept_all() {
        while (!m_is_stopping) {
            pollfd entry{m_listener.fd(), POLLIN, 0};
            if (::poll(&entry, 1, 20) <= 0) {
                continue;
            }
            int fd = ::accept(m_listener.fd(), nullptr, nullptr);
            if (fd < 0) {
                continue;
            }
            ++m_accepted;
            std::lock_guard lock(m_mutex);
            m_threads.emplace_back([this, fd] { serve(fd); });
        }
    }

    void serve(int fd) {
        timeval timeout{5, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        std::string pending;
        while (auto request = read_request(fd, pending)) {
            auto start = request->find(' ') + 1;
            std::string target = request->substr(start, request->find(' ', start) - start);
            std::string reply = "HTTP/1.1 200 OK\r\nX-Reply: 1\r\nContent-Length: " +
                                std::to_string(target.size()) + "\r\n\r\n" + target;
            if (::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL) <= 0 || m_closes) {
                std::this_thread::sleep_for(20ms); // the client reads the answer before the close
                break;
            }
        }
        ::close(fd);
    }

    std::optional<std::string> read_request(int fd, std::string& pending) {
        char buffer[16384];
        for (;;) {
            auto end = pending.find("\r\n\r\n");
            if (end != std::string::npos) {
                std::string head = pending.substr(0, end + 2);
                std::transform(head.begin(), head.end(), head.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
                auto at = head.find("\r\ncontent-length: ");
                std::size_t length = at == std::string::npos ? 0 : std::stoul(head.substr(at + 18));
                if (pending.size() >= end + 4 + length) {
                    std::string request = pending.substr(0, end + 4 + length);
                    pending.erase(0, request.size());
                    std::lock_guard lock(m_mutex);
                    m_requests.push_back(request);
                    return request;
                }
            }
            auto got = ::recv(fd, buffer, sizeof buffer, 0);
            if (got <= 0) {
                return std::nullopt;
            }
            pending.append(buffer, static_cast<std::size_t>(got));
        }
    }

    bool m_closes;
    RawListener m_listener;
    std::atomic<bool> m_is_stopping = false;
    std::atomic<int> m_accepted = 0;
    std::mutex m_mutex;
    std::vector<std::string> m_requests;
    std::vector<std::thread> m_threads;
    std::thread m_acceptor;
};

http::ClientOptions quick_options() {
    http::ClientOptions options;
    options.connect_timeout = 2s;
    options.timeout = 5s;
    return options;
}

std::unique_ptr<http::Client> client_for(const http::Url& url,
                                         const http::ClientOptions& options = quick_options()) {
    auto client = http::Client::create(url, options);
    REQUIRE(client);
    return std::move(*client);
}

/// A request whose headers are out of order, in mixed case, with a name repeated.
message::Message unsorted_request(std::string target, std::string body) {
    return post_to(std::move(target), std::move(body),
                   {{"zeta-First", "1"},
                    {"X-Dup", "one"},
                    {"content-TYPE", "application/json"},
                    {"x-dup", "two  spaced"},
                    {"Accept", "text/plain"},
                    {"alpha", "2"},
                    {"X-DUP", "three"}});
}

/// `request`'s bytes as they must arrive: Host first, the headers as given, Content-Length last.
std::string expected_bytes(const message::Message& request, std::uint16_t port) {
    std::string bytes = request.method + " " + request.target + " HTTP/1.1\r\n";
    bytes += "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";
    for (const Header& header : request.headers) {
        bytes += header.name + ": " + header.value + "\r\n";
    }
    bytes += "Content-Length: " + std::to_string(request.body.size()) + "\r\n\r\n" + request.body;
    return bytes;
}

} // namespace

TEST_CASE("a client sends the headers as given: order, case, duplicates, nothing of its own",
          "[http]") {
    RawServer server;
    auto client = client_for(origin_at(server.port()));
    message::Message request = unsorted_request("/hooks?x=1", "{\"a\":1}\r\n");
    auto response = client->send(request);
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(response->body == "/hooks?x=1");
    CHECK(response->headers == std::vector<Header>{{"X-Reply", "1"}, {"Content-Length", "10"}});
    CHECK(server.requests() == std::vector<std::string>{expected_bytes(request, server.port())});
}

TEST_CASE("a client keeps a request's own Host and Content-Length in their places", "[http]") {
    RawServer server;
    auto client = client_for(origin_at(server.port()));
    message::Message request = post_to(
        "/", "body", {{"B", "1"}, {"host", "app.test"}, {"content-length", "99"}, {"A", "2"}});
    REQUIRE(client->send(request));
    CHECK(server.requests() ==
          std::vector<std::string>{"POST / HTTP/1.1\r\nB: 1\r\nhost: app.test\r\n"
                                   "content-length: 4\r\nA: 2\r\n\r\nbody"});
}

TEST_CASE("a client keeps its connection alive across sends", "[http]") {
    RawServer server;
    auto client = client_for(origin_at(server.port()));
    for (int i = 0; i < 3; ++i) {
        auto response = client->send(post_to("/" + std::to_string(i), "x"));
        REQUIRE(response);
        CHECK(response->body == "/" + std::to_string(i));
    }
    CHECK(server.requests().size() == 3);
    CHECK(server.accepted() == 1);
}

TEST_CASE("a client sends again on a new connection when the server closed the old one", "[http]") {
    RawServer server(true);
    auto client = client_for(origin_at(server.port()));
    REQUIRE(client->send(post_to("/1", "a")));
    std::this_thread::sleep_for(100ms); // the server has closed by now
    auto second = client->send(post_to("/2", "b"));
    REQUIRE(second);
    CHECK(second->body == "/2");
    auto third = client->send(post_to("/3", "c")); // at once: meets the closing connection
    REQUIRE(third);
    CHECK(third->body == "/3");
    CHECK(server.accepted() == 3);
}

TEST_CASE("a client reports a refused connection as a connect failure", "[http]") {
    std::uint16_t port = 0;
    {
        RawListener unused; // bound, never listening: connections to it are refused
        port = unused.port();
    }
    auto client = client_for(origin_at(port));
    auto response = client->send(post_to("/", "x"));
    REQUIRE_FALSE(response);
    CHECK(response.error().failure == http::Failure::connect);
    CHECK(response.error().message == "cannot connect to http://127.0.0.1:" + std::to_string(port) +
                                          " (refused, unreachable or unknown host)");
}

TEST_CASE("a client reports a server that never answers as a response timeout", "[http]") {
    RawListener silent;
    silent.listen(); // the kernel accepts; nobody reads or answers
    auto options = quick_options();
    options.timeout = 200ms;
    auto client = client_for(origin_at(silent.port()), options);
    auto started = Clock::now();
    auto response = client->send(post_to("/", "x"));
    auto elapsed = elapsed_ms(started);
    CHECK(elapsed >= 190);
    CHECK(elapsed < 1000);
    REQUIRE_FALSE(response);
    CHECK(response.error().failure == http::Failure::timeout);
    CHECK(response.error().message ==
          "no response from http://127.0.0.1:" + std::to_string(silent.port()) + " within 200 ms");
}

TEST_CASE("a client refuses a header that could split the request, sending nothing", "[http]") {
    RawServer server;
    auto client = client_for(origin_at(server.port()));
    auto response = client->send(post_to("/", "x", {{"X-A", "b\r\nX-Evil: 1"}}));
    REQUIRE_FALSE(response);
    CHECK(response.error().failure == http::Failure::other);
    CHECK_THAT(response.error().message, Contains("X-A"));
    CHECK(server.accepted() == 0);
}

TEST_CASE("a client over https trusts a CA file and sends the headers as given", "[http]") {
    TempDir directory;
    TestCertificate certificate("IP:127.0.0.1", directory.file("cert.pem"));
    TlsServer server(certificate);
    auto options = quick_options();
    options.ca_file = certificate.path;
    auto client = client_for(origin_at(server.port(), true), options);
    message::Message first = unsorted_request("/first", "{\"a\":1}");
    message::Message second = unsorted_request("/second", "");
    auto response = client->send(first);
    REQUIRE(response);
    CHECK(response->body == "/first");
    REQUIRE(client->send(second));
    CHECK(server.requests() == std::vector<std::string>{expected_bytes(first, server.port()),
                                                        expected_bytes(second, server.port())});
    CHECK(server.handshakes() == 1);
}

TEST_CASE("a client over https rejects an untrusted certificate naming --cacert and --insecure",
          "[http]") {
    TempDir directory;
    TestCertificate certificate("IP:127.0.0.1", directory.file("cert.pem"));
    TlsServer server(certificate);
    std::string origin = "https://127.0.0.1:" + std::to_string(server.port());
    auto client = client_for(origin_at(server.port(), true));
    auto response = client->send(post_to("/", "x"));
    REQUIRE_FALSE(response);
    CHECK(response.error().failure == http::Failure::tls);
    CHECK(response.error().message ==
          "TLS certificate of " + origin +
              " not trusted: self-signed certificate (--cacert FILE to trust it, --insecure to "
              "skip the check)");
    CHECK(server.requests().empty());

    auto insecure = quick_options();
    insecure.insecure = true;
    auto response_insecure =
        client_for(origin_at(server.port(), true), insecure)->send(post_to("/", "x"));
    REQUIRE(response_insecure);
    CHECK(response_insecure->status == 200);
}

TEST_CASE("a client over https times out a handshake that never completes", "[http]") {
    RawListener silent;
    silent.listen(); // the kernel accepts; nobody answers the ClientHello
    auto options = quick_options();
    options.connect_timeout = 200ms;
    auto client = client_for(origin_at(silent.port(), true), options);
    auto response = client->send(post_to("/", "x"));
    REQUIRE_FALSE(response);
    CHECK(response.error().failure == http::Failure::timeout);
    CHECK(response.error().message == "timed out connecting to https://127.0.0.1:" +
                                          std::to_string(silent.port()) + " (TLS handshake)");
}
