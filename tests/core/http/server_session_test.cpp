// SPDX-License-Identifier: MIT
// What the server answers itself: limits, framing errors, deadlines and the connection cap.
#include "core/http/server.hpp"
#include "core/http/server_fixture.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <mutex>

using namespace hooks;
using namespace hooks::test;

namespace {

// A GET to /exact whose request line and header section take `size` bytes (at least 41).
std::string get_of_size(std::size_t size) {
    std::string head = "GET /exact HTTP/1.1\r\nHost: t\r\nX-Pad: ";
    return head + std::string(size - head.size() - 4, 'p') + "\r\n\r\n";
}

// Writes `text` in pieces cut at the ascending offsets `cuts`, each once the server has had
// time to read the one before, and returns the status of the answer.
int status_in_pieces(std::uint16_t port, const std::string& text, std::vector<std::size_t> cuts) {
    RawClient client(port);
    std::size_t start = 0;
    cuts.push_back(text.size());
    for (std::size_t cut : cuts) {
        if (start > 0 && !client.quiet_for(50ms)) {
            break; // answered early
        }
        client.send(std::string_view(text).substr(start, cut - start));
        start = cut;
    }
    return client.read_response().status;
}

} // namespace

TEST_CASE("a Content-Length over the limit is answered 413 before the body is sent", "[http]") {
    auto options = test_options();
    options.limits.max_body_bytes = 1024;
    std::atomic<int> calls{0};
    TestServer server(options, [&](http::IncomingRequest&) {
        ++calls;
        return answer(204);
    });
    RawClient client(server.port());
    client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 2000000\r\n\r\n");
    auto response = client.read_response(1s);
    CHECK(response.status == 413);
    CHECK(response.header("Connection") == "close");
    CHECK(client.closed_within(1s));
    CHECK(calls == 0);
    auto rejections = server.rejections();
    REQUIRE(rejections.size() == 1);
    CHECK(rejections[0].status == 413);
    CHECK(rejections[0].reason == "body of 2000000 bytes exceeds the limit of 1024");
}

TEST_CASE("a chunked body over the limit is answered 413", "[http]") {
    auto options = test_options();
    options.limits.max_body_bytes = 10;
    TestServer server(options, echo_target);
    RawClient client(server.port());
    client.send("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                "8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n");
    CHECK(client.read_response().status == 413);
    REQUIRE(server.rejections().size() == 1);
    CHECK(server.rejections()[0].reason == "chunked body exceeds the limit of 10 bytes");

    RawClient within(server.port());
    within.send("POST /ok HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                "5\r\n12345\r\n5\r\n67890\r\n0\r\n\r\n");
    CHECK(within.read_response().body == "/ok");
}

TEST_CASE("a header section over the limit is answered 431", "[http]") {
    auto options = test_options();
    options.limits.max_header_bytes = 1024;
    TestServer server(options, echo_target);
    RawClient client(server.port());
    client.send("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n");
    CHECK(client.read_response().status == 431);
    REQUIRE(server.rejections().size() == 1);
    CHECK(server.rejections()[0].reason == "header section exceeds 1024 bytes");

    // A raised limit admits a single value larger than 64 KiB.
    options.limits.max_header_bytes = std::size_t{256} * 1024;
    TestServer large(options, [](http::IncomingRequest& request) {
        return answer(200, std::to_string(request.message.headers.at(1).value.size()));
    });
    RawClient huge(large.port());
    huge.send("GET / HTTP/1.1\r\nHost: t\r\nX-Huge: " + std::string(70'000, 'a') + "\r\n\r\n");
    CHECK(huge.read_response().body == "70000");
}

TEST_CASE("the header limit counts the request line and holds however the bytes arrive", "[http]") {
    auto options = test_options();
    options.limits.max_header_bytes = 4096;
    TestServer server(options, echo_target);
    std::string exact = get_of_size(4096);
    CHECK(status_in_pieces(server.port(), exact, {}) == 200);
    CHECK(status_in_pieces(server.port(), exact, {1000, 3000}) == 200);
    CHECK(status_in_pieces(server.port(), exact, {4095}) == 200);
    RawClient pipelined(server.port());
    pipelined.send(exact + exact);
    CHECK(pipelined.read_response().body == "/exact");
    CHECK(pipelined.read_response().body == "/exact");
    REQUIRE(server.rejections().empty());

    std::string over = get_of_size(4097);
    CHECK(status_in_pieces(server.port(), over, {}) == 431);
    CHECK(status_in_pieces(server.port(), over, {2000}) == 431);
    CHECK(status_in_pieces(server.port(), over, {4096}) == 431);
    // Beast's own limit applies to each read from the first field it has not parsed yet, and
    // not to the request line: each of these got through it.
    std::string two_fields = "GET / HTTP/1.1\r\nX-A: " + std::string(2900, 'a') +
                             "\r\nX-B: " + std::string(2900, 'b') + "\r\n\r\n";
    CHECK(status_in_pieces(server.port(), two_fields, {2927}) == 431);
    std::string long_target = "GET /" + std::string(3000, 'a') +
                              " HTTP/1.1\r\nX-A: " + std::string(3000, 'b') + "\r\n\r\n";
    CHECK(status_in_pieces(server.port(), long_target, {}) == 431);
    CHECK(status_in_pieces(server.port(), long_target, {3020}) == 431);
    std::string long_line_and_fields = "GET /" + std::string(4000, 'a') + " HTTP/1.1\r\n";
    for (int i = 0; i < 120; ++i) {
        long_line_and_fields += "X-Field: " + std::string(50, 'f') + "\r\n";
    }
    CHECK(status_in_pieces(server.port(), long_line_and_fields + "\r\n", {8000}) == 431);
    auto rejections = server.rejections();
    REQUIRE(rejections.size() == 7);
    for (const auto& rejection : rejections) {
        CHECK(rejection.status == 431);
        CHECK(rejection.reason == "header section exceeds 4096 bytes");
    }
}

TEST_CASE("ambiguous framing is answered 400 and never reaches the handler", "[http]") {
    std::atomic<int> calls{0};
    TestServer server(test_options(), [&](http::IncomingRequest&) {
        ++calls;
        return answer(204);
    });
    auto status_for = [&](const std::string& head) {
        RawClient client(server.port());
        client.send(head + "\r\n5\r\nhello\r\n0\r\n\r\n");
        auto status = client.read_response().status;
        CHECK(client.closed_within(1s));
        return status;
    };
    std::string start = "POST / HTTP/1.1\r\nHost: t\r\n";
    CHECK(status_for(start + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n") == 400);
    CHECK(status_for(start + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n") == 400);
    CHECK(status_for(start + "Transfer-Encoding: gzip\r\nContent-Length: 5\r\n") == 400);
    CHECK(status_for(start + "Content-Length: 5\r\nContent-Length: 6\r\n") == 400);
    CHECK(status_for(start + "Transfer-Encoding: gzip\r\n") == 501);
    CHECK(status_for(start + "Transfer-Encoding: gzip, chunked\r\n") == 501);
    CHECK(status_for("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n") == 400);
    CHECK(calls == 0);
    auto rejections = server.rejections();
    REQUIRE(rejections.size() == 7);
    CHECK(rejections[5].reason == "unsupported Transfer-Encoding 'gzip, chunked'");
}

TEST_CASE("an HTTP/1.1 request needs exactly one Host; HTTP/1.0 needs none", "[http]") {
    std::atomic<int> calls{0};
    TestServer server(test_options(), [&](http::IncomingRequest&) {
        ++calls;
        return answer(204);
    });
    auto status_for = [&](const std::string& head) {
        RawClient client(server.port());
        client.send(head + "Content-Length: 2\r\n\r\nab");
        return client.read_response().status;
    };
    CHECK(status_for("POST / HTTP/1.1\r\n") == 400);
    CHECK(status_for("POST / HTTP/1.1\r\nHost: a\r\nHost: b\r\n") == 400);
    CHECK(calls == 0);
    CHECK(status_for("POST / HTTP/1.1\r\nhost: a\r\n") == 204);
    CHECK(status_for("POST / HTTP/1.0\r\n") == 204);
    CHECK(calls == 2);
    auto rejections = server.rejections();
    REQUIRE(rejections.size() == 2);
    CHECK(rejections[0].reason == "HTTP/1.1 request without Host");
    CHECK(rejections[1].reason == "more than one Host header");
}

TEST_CASE("an empty line before a request line is ignored, as RFC 9112 says", "[http]") {
    std::vector<std::string> targets;
    std::mutex mutex;
    TestServer server(test_options(), [&](http::IncomingRequest& request) {
        std::lock_guard lock(mutex);
        targets.push_back(request.message.target);
        return answer(200, request.message.body);
    });
    RawClient client(server.port());
    // A client's stray CRLF after a body, then the next pipelined request; and one sent alone.
    client.send("POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nab\r\n"
                "POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\ncd");
    CHECK(client.read_response().body == "ab");
    CHECK(client.read_response().body == "cd");
    client.send("\r\n");
    client.send("\nPOST /c HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nef");
    CHECK(client.read_response().body == "ef");
    std::lock_guard lock(mutex);
    CHECK(targets == std::vector<std::string>{"/a", "/b", "/c"});
}

TEST_CASE("a Transfer-Encoding that is not a plain list of codings is answered 400", "[http]") {
    std::atomic<int> calls{0};
    TestServer server(test_options(), [&](http::IncomingRequest&) {
        ++calls;
        return answer(204);
    });
    auto status_for = [&](const std::string& codings) {
        RawClient client(server.port());
        client.send("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: " + codings +
                    "\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        return client.read_response().status;
    };
    // Beast's token_list stops quietly at the first byte it cannot read: all but the last
    // would pass for chunked.
    for (const std::string& codings :
         std::vector<std::string>{"chunked x", "chunked/1", "chunked;q=1", "chunked \"x\"",
                                  "chunked\x9c", "gzip x, chunked"}) {
        INFO(codings);
        CHECK(status_for(codings) == 400);
    }
    CHECK(calls == 0);
    auto rejections = server.rejections();
    REQUIRE(rejections.size() == 6);
    for (const auto& rejection : rejections) {
        CHECK(rejection.reason == "malformed Transfer-Encoding");
    }
    // Empty list elements are allowed (RFC 9110 5.6.1); a well-formed other coding stays 501.
    CHECK(status_for(", chunked ,") == 204);
    CHECK(status_for("gzip, chunked") == 501);
    CHECK(calls == 1);
}

TEST_CASE("broken chunked framing is answered 400", "[http]") {
    TestServer server(test_options(), echo_target);
    for (const std::string& chunks :
         std::vector<std::string>{"zz\r\nhello\r\n0\r\n\r\n", "5\r\nhelloXX0\r\n\r\n",
                                  "5;" + std::string(70'000, 'e')}) {
        RawClient client(server.port());
        client.send("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks);
        auto response = client.read_response();
        CHECK(response.status == 400);
        CHECK(client.closed_within(1s));
    }
    auto rejections = server.rejections();
    REQUIRE(rejections.size() == 3);
    CHECK(rejections[0].reason == "malformed request: bad chunk");
    CHECK(rejections[2].reason == "malformed request: chunk line or trailers too long");
}

TEST_CASE("a malformed request line or header is answered 400", "[http]") {
    TestServer server(test_options(), echo_target);
    for (std::string request :
         {"GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET / HTTP/1.1\nHost: t\n\n",
          "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", "GET /a b HTTP/1.1\r\n\r\n"}) {
        RawClient client(server.port());
        client.send(request);
        CHECK(client.read_response().status == 400);
        CHECK(client.closed_within(1s));
    }
    for (const auto& rejection : server.rejections()) {
        CHECK(rejection.status == 400);
        CHECK(rejection.reason.rfind("malformed request: ", 0) == 0);
    }
}

TEST_CASE("a slow client is closed at the header deadline while others are served", "[http]") {
    auto options = test_options();
    options.threads = 1;
    options.limits.header_timeout = 400ms;
    TestServer server(options, echo_target);
    RawClient slow(server.port());
    auto start = std::chrono::steady_clock::now();
    slow.send("POST / HTTP/1.1\r\n");
    std::atomic<bool> done{false};
    std::thread dribble([&] {
        while (!done && slow.send("X")) {
            std::this_thread::sleep_for(20ms);
        }
    });
    std::this_thread::sleep_for(50ms);
    RawClient quick(server.port());
    quick.send(post("/quick", "x"));
    CHECK(quick.read_response().body == "/quick");
    CHECK(slow.quiet_for(1ms)); // served while the slow one still waits

    CHECK(slow.read_response().status == 408);
    CHECK(elapsed_ms(start) >= 350);
    CHECK(elapsed_ms(start) < 2000);
    done = true;
    dribble.join();
    auto rejections = server.rejections();
    REQUIRE(rejections.size() == 1);
    CHECK(rejections[0].status == 408);
    CHECK(rejections[0].reason == "header not complete after 400 ms");
}

TEST_CASE("a body that does not arrive in time is answered 408", "[http]") {
    auto options = test_options();
    options.limits.body_timeout = 200ms;
    TestServer server(options, echo_target);
    RawClient client(server.port());
    client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n12345");
    CHECK(client.read_response(1s).status == 408);
    CHECK(client.closed_within(1s));
    REQUIRE(server.rejections().size() == 1);
    CHECK(server.rejections()[0].reason == "body not complete after 200 ms");
}

TEST_CASE("an idle keep-alive connection is closed silently", "[http]") {
    auto options = test_options();
    options.limits.idle_timeout = 200ms;
    TestServer server(options, echo_target);
    RawClient client(server.port());
    client.send(post("/", ""));
    CHECK(client.read_response().status == 200);
    auto start = std::chrono::steady_clock::now();
    CHECK(client.closed_within(1s));
    CHECK(elapsed_ms(start) >= 150);
    CHECK(server.rejections().empty());
}

TEST_CASE("connections over the cap are answered 503", "[http]") {
    auto options = test_options();
    options.limits.max_connections = 2;
    TestServer server(options, echo_target);
    RawClient first(server.port());
    RawClient second(server.port());
    for (auto* client : {&first, &second}) {
        client->send(post("/", ""));
        CHECK(client->read_response().status == 200);
    }
    RawClient third(server.port());
    third.send(post("/", ""));
    CHECK(third.read_response().status == 503);
    CHECK(third.closed_within(1s));
    REQUIRE(server.rejections().size() == 1);
    CHECK(server.rejections()[0].reason == "too many connections (limit 2)");
    first.send(post("/again", ""));
    CHECK(first.read_response().body == "/again");
}

TEST_CASE("Expect: 100-continue gets an interim answer before the body", "[http]") {
    TestServer server(test_options(), [](http::IncomingRequest& request) {
        return answer(200, request.message.body);
    });
    RawClient client(server.port());
    client.send("POST / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
    auto interim = client.read_response(); // without the body having been sent
    CHECK(interim.status == 100);
    CHECK(interim.head == "HTTP/1.1 100 Continue");
    client.send("hello");
    CHECK(client.read_response().body == "hello");
}
