// SPDX-License-Identifier: MIT
// The batch engine over https, against a TLS server with a certificate made at test time.
#include "core/http/batch.hpp"
#include "core/http/tls_fixture.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace hooks;
using namespace hooks::test;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using message::Header;

namespace {

/// The request exactly as it should reach the server: nothing added but Host and
/// Content-Length.
std::string wire_bytes(const message::Message& request, std::uint16_t port) {
    std::string bytes = request.method + " " + request.target + " HTTP/1.1\r\n";
    bytes += "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";
    for (const Header& header : request.headers) {
        bytes += header.name + ": " + header.value + "\r\n";
    }
    bytes += "Content-Length: " + std::to_string(request.body.size()) + "\r\n\r\n" + request.body;
    return bytes;
}

std::string origin_text(std::uint16_t port) {
    return "https://127.0.0.1:" + std::to_string(port);
}

/// Every attempt of every exchange failed once, with `failure`; returns the first message.
std::string single_failure(const ListDriver& driver, http::Failure failure) {
    REQUIRE_FALSE(driver.results.empty());
    std::string message;
    for (const auto& [tag, results] : driver.results) {
        REQUIRE(results.size() == 1);
        REQUIRE_FALSE(results[0]);
        CHECK(results[0].error().failure == failure);
        CHECK(results[0].error().message.find('\n') == std::string::npos);
        message = results[0].error().message;
    }
    return message;
}

void check_delivered(const ListDriver& driver, std::size_t count) {
    REQUIRE(driver.results.size() == count);
    for (const auto& [tag, results] : driver.results) {
        REQUIRE(results.size() == 1);
        REQUIRE(results[0]);
        CHECK(results[0]->status == 200);
    }
}

} // namespace

TEST_CASE("a batch over https delivers byte-exact requests, headers in order, nothing added",
          "[http]") {
    TempDir directory;
    TestCertificate certificate("IP:127.0.0.1", directory.file("cert.pem"));
    TlsServer server(certificate);
    using namespace std::string_literals;
    std::vector<message::Message> requests;
    requests.reserve(200);
    for (int i = 0; i < 200; ++i) {
        requests.push_back(post_to("/item/" + std::to_string(i),
                                   "{\"i\":"s + std::to_string(i) + "}\0\r\n\xff"s,
                                   {{"x-lower-Case", "v  a"},
                                    {"X-Dup", "b"},
                                    {"Content-Type", "application/json"},
                                    {"X-Dup", "a"},
                                    {"A-Last", std::to_string(i)}}));
    }
    ListDriver driver(requests, "127.0.0.1:" + std::to_string(server.port()));
    auto options = batch_options(4);
    options.client.ca_file = certificate.path;
    REQUIRE(http::run_batch(origin_at(server.port(), true), driver, options));

    check_delivered(driver, requests.size());
    for (const auto& [tag, results] : driver.results) {
        CHECK(results[0]->body == requests[tag].target);
    }
    auto received = server.requests();
    REQUIRE(received.size() == requests.size());
    std::vector<std::string> expected;
    expected.reserve(requests.size());
    for (const auto& request : requests) {
        expected.push_back(wire_bytes(request, server.port()));
    }
    std::sort(received.begin(), received.end());
    std::sort(expected.begin(), expected.end());
    CHECK(received == expected);
}

TEST_CASE("a batch over https keeps its connections alive", "[http]") {
    TempDir directory;
    TestCertificate certificate("IP:127.0.0.1", directory.file("cert.pem"));
    TlsServer server(certificate);
    ListDriver driver(std::vector<message::Message>(40, post_to("/", "x")));
    auto options = batch_options(2);
    options.client.ca_file = certificate.path;
    REQUIRE(http::run_batch(origin_at(server.port(), true), driver, options));
    check_delivered(driver, 40);
    CHECK(server.accepted() == 2);
    CHECK(server.handshakes() == 2);
}

TEST_CASE("a batch over https closes after a request saying Connection: close", "[http]") {
    TempDir directory;
    TestCertificate certificate("IP:127.0.0.1", directory.file("cert.pem"));
    TlsServer server(certificate);
    ListDriver driver(
        std::vector<message::Message>(5, post_to("/", "", {{"Connection", "close"}})));
    auto options = batch_options(1);
    options.client.ca_file = certificate.path;
    REQUIRE(http::run_batch(origin_at(server.port(), true), driver, options));
    check_delivered(driver, 5);
    CHECK(server.accepted() == 5);
}

TEST_CASE("a batch over https reconnects when the server closed without a close_notify", "[http]") {
    TempDir directory;
    TestCertificate certificate("IP:127.0.0.1", directory.file("cert.pem"));
    TlsServer server(certificate, Ending::close_quietly);
    ListDriver driver({post_to("/1", "a"), post_to("/2", "b"), post_to("/3", "c")});
    auto options = batch_options(1);
    options.client.ca_file = certificate.path;
    // At once, the next request meets the closing connection (reset); 100 ms apart, it finds
    // the connection closed (the server closes 20 ms after answering).
    options.rate = GENERATE(0.0, 10.0);
    REQUIRE(http::run_batch(origin_at(server.port(), true), driver, options));
    check_delivered(driver, 3);
    CHECK(server.accepted() == 3);
    CHECK(server.requests().size() >= 3);
}

TEST_CASE("a batch over https takes a body ended by the connection's close", "[http]") {
    TempDir directory;
    TestCertificate certificate("IP:127.0.0.1", directory.file("cert.pem"));
    TlsServer server(certificate, Ending::eof_body);
    ListDriver driver({post_to("/first", ""), post_to("/second", "")});
    auto options = batch_options(1);
    options.client.ca_file = certificate.path;
    REQUIRE(http::run_batch(origin_at(server.port(), true), driver, options));
    check_delivered(driver, 2);
    CHECK(driver.results[0][0]->body == "/first");
    CHECK(driver.results[1][0]->body == "/second");
    CHECK(server.accepted() == 2);
}

TEST_CASE("a batch over https rejects an untrusted certificate as a TLS failure", "[http]") {
    TempDir directory;
    TestCertificate certificate("IP:127.0.0.1", directory.file("cert.pem"));
    TlsServer server(certificate);
    ListDriver driver(std::vector<message::Message>(3, post_to("/", "x")));
    REQUIRE(http::run_batch(origin_at(server.port(), true), driver, batch_options(2)));
    CHECK(single_failure(driver, http::Failure::tls) ==
          "TLS certificate of " + origin_text(server.port()) +
              " not trusted: self-signed certificate (--cacert FILE to trust it, --insecure to "
              "skip the check)");
    CHECK(server.requests().empty());
}

TEST_CASE("a batch over https rejects a certificate for another host", "[http]") {
    TempDir directory;
    TestCertificate certificate("DNS:other.test", directory.file("cert.pem"));
    TlsServer server(certificate);
    ListDriver driver(std::vector<message::Message>(2, post_to("/", "x")));
    auto options = batch_options(1);
    options.client.ca_file = certificate.path;
    REQUIRE(http::run_batch(origin_at(server.port(), true), driver, options));
    CHECK_THAT(single_failure(driver, http::Failure::tls),
               StartsWith("TLS certificate of " + origin_text(server.port()) +
                          " not trusted: IP address mismatch"));
    CHECK(server.requests().empty());
}

TEST_CASE("a batch over https skips the certificate checks when insecure", "[http]") {
    TempDir directory;
    TestCertificate certificate("DNS:other.test", directory.file("cert.pem"));
    TlsServer server(certificate);
    ListDriver driver(std::vector<message::Message>(10, post_to("/", "x")));
    auto options = batch_options(2);
    options.client.insecure = true;
    REQUIRE(http::run_batch(origin_at(server.port(), true), driver, options));
    check_delivered(driver, 10);
    CHECK(server.requests().size() == 10);
}

TEST_CASE("a batch over https fails every attempt when the CA file cannot be loaded", "[http]") {
    TempDir directory;
    TestCertificate certificate("IP:127.0.0.1", directory.file("cert.pem"));
    TlsServer server(certificate);
    ListDriver driver(std::vector<message::Message>(3, post_to("/", "x")));
    auto options = batch_options(2);
    options.client.ca_file = directory.file("missing.pem");
    REQUIRE(http::run_batch(origin_at(server.port(), true), driver, options));
    CHECK(single_failure(driver, http::Failure::tls) == "cannot load the CA certificates for " +
                                                            origin_text(server.port()) + " from '" +
                                                            options.client.ca_file + "'");
    CHECK(server.accepted() == 0);
}

TEST_CASE("a batch over https to a plain HTTP server is a TLS failure", "[http]") {
    TestServer server(test_options(), echo_target);
    ListDriver driver({post_to("/", "x")});
    REQUIRE(http::run_batch(origin_at(server.port(), true), driver, batch_options(1)));
    CHECK_THAT(single_failure(driver, http::Failure::tls),
               StartsWith("TLS handshake with " + origin_text(server.port()) + " failed: "));
}

TEST_CASE("a batch over https times out a handshake that never completes", "[http]") {
    RawListener silent;
    silent.listen(); // the kernel accepts; nobody answers the ClientHello
    ListDriver driver({post_to("/", "x")});
    auto options = batch_options(1);
    options.client.connect_timeout = 200ms;
    auto started = Clock::now();
    REQUIRE(http::run_batch(origin_at(silent.port(), true), driver, options));
    CHECK(elapsed_ms(started) >= 150);
    CHECK(single_failure(driver, http::Failure::timeout) ==
          "timed out connecting to " + origin_text(silent.port()) + " (TLS handshake)");
}
