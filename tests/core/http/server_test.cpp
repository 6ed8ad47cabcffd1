// SPDX-License-Identifier: MIT
#include "core/http/server.hpp"
#include "core/http/server_fixture.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace hooks;
using namespace hooks::test;

TEST_CASE("a POST reaches the handler exactly as it was on the wire", "[http]") {
    std::promise<http::IncomingRequest> seen;
    TestServer server(test_options(), [&](http::IncomingRequest& request) {
        seen.set_value(request);
        http::Response response = answer(201, "made");
        response.headers = {{"X-Reply", "yes"}, {"X-Reply", "twice"}};
        return response;
    });
    using namespace std::string_literals;
    const std::string body = "{\"a\":\0\x01\xff}\r\n\0"s;
    RawClient client(server.port());
    client.send("POST /hooks/in?x=%20y HTTP/1.1\r\nHost: example.test\r\nx-Lower: 1\r\n"
                "X-DUP: first\r\nX-Escaped: a%0D%0Ab\r\nx-dup: second\r\nContent-Length: 12\r\n"
                "X-Space:   padded value \t\r\n\r\n" +
                body);

    auto response = client.read_response();
    CHECK(response.status == 201);
    CHECK(response.head.rfind("HTTP/1.1 201 Created\r\n", 0) == 0);
    CHECK(response.head.find("X-Reply: yes\r\nX-Reply: twice") != std::string::npos);
    CHECK(response.header("Content-Length") == "4");
    CHECK(response.body == "made");

    auto request = seen.get_future().get();
    CHECK(request.message.method == "POST");
    CHECK(request.message.target == "/hooks/in?x=%20y");
    CHECK(request.version == "HTTP/1.1");
    CHECK(request.remote.rfind("127.0.0.1:", 0) == 0);
    CHECK(request.message.body.size() == 12);
    CHECK(request.message.body == body);
    using message::Header;
    CHECK(request.message.headers == std::vector<Header>{{"Host", "example.test"},
                                                         {"x-Lower", "1"},
                                                         {"X-DUP", "first"},
                                                         {"X-Escaped", "a%0D%0Ab"},
                                                         {"x-dup", "second"},
                                                         {"Content-Length", "12"},
                                                         {"X-Space", "padded value"}});
    CHECK(server.rejections().empty());
}

TEST_CASE("trailer fields after a chunked body reach the handler apart from the headers",
          "[http]") {
    std::mutex mutex;
    std::vector<http::IncomingRequest> seen;
    TestServer server(test_options(), [&](http::IncomingRequest& request) {
        std::lock_guard lock(mutex);
        seen.push_back(request);
        return answer(204);
    });
    RawClient client(server.port());
    // Two pipelined requests: the second has no trailers and must not inherit the first's.
    client.send("POST /t HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
                "Trailer: X-Signature\r\n\r\n5\r\nhello\r\n1\r\n!\r\n0\r\n"
                "X-Signature: sha256=ab \r\nx-checksum: 1\r\nX-Signature: again\r\n\r\n"
                "POST /u HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                "2\r\nhi\r\n0\r\n\r\n");
    CHECK(client.read_response().status == 204);
    CHECK(client.read_response().status == 204);
    std::lock_guard lock(mutex);
    REQUIRE(seen.size() == 2);
    using message::Header;
    CHECK(seen[0].message.body == "hello!");
    CHECK(seen[0].message.headers == std::vector<Header>{{"Host", "t"},
                                                         {"Transfer-Encoding", "chunked"},
                                                         {"Trailer", "X-Signature"}});
    CHECK(seen[0].message.trailers == std::vector<Header>{{"X-Signature", "sha256=ab"},
                                                          {"x-checksum", "1"},
                                                          {"X-Signature", "again"}});
    CHECK(seen[1].message.body == "hi");
    CHECK(seen[1].message.trailers.empty());
}

TEST_CASE("keep-alive and pipelined requests are answered in order on one connection", "[http]") {
    TestServer server(test_options(), echo_target);
    RawClient client(server.port());
    client.send(post("/1", "a") + post("/2", "bb") + "GET /3 HTTP/1.1\r\nHost: t\r\n\r\n");
    CHECK(client.read_response().body == "/1");
    CHECK(client.read_response().body == "/2");
    CHECK(client.read_response().body == "/3");
    client.send(post("/4", "dddd", "Connection: close\r\n"));
    auto last = client.read_response();
    CHECK(last.body == "/4");
    CHECK(last.header("Connection") == "close");
    CHECK(client.closed_within(1s));
}

TEST_CASE("an HTTP/1.0 request is answered and the connection closed", "[http]") {
    TestServer server(test_options(), echo_target);
    RawClient client(server.port());
    client.send("GET /old HTTP/1.0\r\n\r\n");
    auto response = client.read_response();
    CHECK(response.body == "/old");
    CHECK(response.header("Connection") == "close");
    CHECK(client.closed_within(1s));

    RawClient keep(server.port());
    keep.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    CHECK(keep.read_response().header("Connection") == "keep-alive");
    keep.send("GET /b HTTP/1.0\r\n\r\n");
    CHECK(keep.read_response().body == "/b");
}

TEST_CASE("responses are framed by the server whatever the handler's headers say", "[http]") {
    TestServer server(test_options(), [](http::IncomingRequest& request) {
        if (request.message.target == "/empty") {
            return answer(204);
        }
        auto response = answer(200, "hello");
        response.headers = {{"Content-Length", "999"}, {"X-Kept", "1"}};
        if (request.message.target == "/bye") {
            response.headers.push_back({"Connection", "close"});
        }
        return response;
    });
    RawClient client(server.port());
    client.send(post("/empty", "") + "HEAD /head HTTP/1.1\r\nHost: t\r\n\r\n" + post("/get", ""));
    auto empty = client.read_response();
    CHECK(empty.status == 204);
    CHECK_FALSE(empty.header("Content-Length"));
    // HEAD states the length but sends no body: the next answer follows at once.
    auto head = client.read_response(2s, false);
    CHECK(head.header("Content-Length") == "5");
    CHECK(head.head.find("X-Kept: 1") != std::string::npos);
    auto get = client.read_response();
    CHECK(get.status == 200);
    CHECK(get.body == "hello");
    client.send(post("/bye", ""));
    CHECK(client.read_response().header("Connection") == "close");
    CHECK(client.closed_within(1s));
    CHECK(get.head.find("999") == std::string::npos);
}

TEST_CASE("an exception from the handler becomes a 500", "[http]") {
    TestServer server(test_options(), [](http::IncomingRequest& request) -> http::Response {
        if (request.message.target == "/throw") {
            throw std::runtime_error("boom\nsecond line");
        }
        return answer(299);
    });
    RawClient client(server.port());
    client.send(post("/throw", "x") + post("/fine", "y"));
    CHECK(client.read_response().status == 500);
    auto next = client.read_response();
    CHECK(next.status == 299);
    CHECK(next.head.rfind("HTTP/1.1 299 Unknown\r\n", 0) == 0);
    REQUIRE(server.rejections().size() == 1);
    CHECK(server.rejections()[0].reason == "handler failed: boom second line");
}

TEST_CASE("a response delay holds the answer back without holding a thread", "[http]") {
    auto options = test_options();
    options.threads = 1;
    TestServer server(options, [](http::IncomingRequest& request) {
        auto response = answer(200, request.message.target);
        if (request.message.target == "/slow") {
            response.delay = 300ms;
        }
        return response;
    });
    auto start = std::chrono::steady_clock::now();
    RawClient slow(server.port());
    slow.send(post("/slow", ""));
    std::this_thread::sleep_for(20ms);
    RawClient quick(server.port());
    quick.send(post("/quick", ""));
    CHECK(quick.read_response().body == "/quick");
    CHECK(slow.quiet_for(1ms)); // answered while the slow one waits
    CHECK(slow.read_response().body == "/slow");
    CHECK(elapsed_ms(start) >= 300);
}

TEST_CASE("blocking handlers run on their own pool while I/O goes on", "[http]") {
    auto options = test_options();
    options.threads = 1;
    options.blocking_threads = 2;
    std::promise<void> release;
    auto released = release.get_future().share();
    TestServer server(options, [released](http::IncomingRequest& request) {
        if (request.message.target == "/block") {
            released.wait();
        }
        return answer(200, request.message.target);
    });
    RawClient blocked(server.port());
    blocked.send(post("/block", ""));
    std::this_thread::sleep_for(20ms);
    RawClient quick(server.port());
    quick.send(post("/quick", ""));
    CHECK(quick.read_response().body == "/quick");
    release.set_value();
    CHECK(blocked.read_response().body == "/block");
}

// An async handler that puts each request aside and answers them all at the end of the turn.
struct TurnCollector {
    std::mutex mutex;
    std::vector<std::pair<std::string, http::Responder>> waiting;
    std::atomic<int> turns{0};

    http::AsyncHandler handler() {
        return {[this](http::IncomingRequest& request, http::Responder responder) {
                    std::lock_guard lock(mutex);
                    waiting.emplace_back(request.message.target, std::move(responder));
                },
                [this] {
                    std::lock_guard lock(mutex);
                    ++turns;
                    for (auto& [target, responder] : waiting) {
                        responder.respond(answer(200, target));
                    }
                    waiting.clear();
                }};
    }
};

TEST_CASE("an async handler answers at the end of the turn, in order on each connection",
          "[http]") {
    auto options = test_options();
    options.threads = 1;
    TurnCollector collector;
    TestServer server(options, collector.handler());
    RawClient first(server.port());
    RawClient second(server.port());
    first.send(post("/1", "a") + post("/2", "b"));
    second.send(post("/3", "c"));
    CHECK(first.read_response().body == "/1");
    CHECK(first.read_response().body == "/2");
    CHECK(second.read_response().body == "/3");
    CHECK(collector.turns >= 1);
    CHECK(collector.turns <= 3);
    CHECK(server.rejections().empty());
}

TEST_CASE("an async handler answers from another thread, and a dropped answer is a 500", "[http]") {
    std::mutex mutex;
    std::vector<std::thread> answerers;
    TestServer server(
        test_options(),
        http::AsyncHandler{[&](http::IncomingRequest& request, http::Responder responder) {
                               if (request.message.target == "/throw") {
                                   throw std::runtime_error("boom");
                               }
                               if (request.message.target == "/drop") {
                                   return; // the Responder goes unanswered
                               }
                               std::lock_guard lock(mutex);
                               answerers.emplace_back([responder = std::move(responder)]() mutable {
                                   responder.respond(answer(202, "later"));
                               });
                           },
                           {}});
    RawClient client(server.port());
    client.send(post("/later", "x") + post("/drop", "y") + post("/throw", "z") +
                post("/later", "w"));
    CHECK(client.read_response().status == 202);
    CHECK(client.read_response().status == 500);
    CHECK(client.read_response().status == 500);
    CHECK(client.read_response().body == "later");
    {
        std::lock_guard lock(mutex);
        for (std::thread& thread : answerers) {
            thread.join();
        }
    }
    auto rejections = server.rejections();
    REQUIRE(rejections.size() == 2);
    CHECK(rejections[0].reason == "handler failed: no answer given");
    CHECK(rejections[1].reason == "handler failed: boom");
}

TEST_CASE("stop() lets a request in flight finish and closes idle connections", "[http]") {
    auto options = test_options();
    TestServer server(options, [](http::IncomingRequest& request) {
        auto response = answer(200, request.message.target);
        response.delay = 200ms;
        return response;
    });
    RawClient idle(server.port());
    idle.send(post("/first", ""));
    CHECK(idle.read_response().body == "/first");
    auto busy = std::make_unique<RawClient>(server.port());
    busy->send(post("/busy", ""));
    std::this_thread::sleep_for(50ms);
    auto start = std::chrono::steady_clock::now();
    server.server().stop();
    CHECK(idle.closed_within(1s));
    auto response = busy->read_response();
    CHECK(response.body == "/busy");
    CHECK(response.header("Connection") == "close");
    busy.reset(); // as a client does on "Connection: close"
    server.wait();
    CHECK(elapsed_ms(start) < 1500);
}

TEST_CASE("stop() cuts off what is still running after the drain timeout", "[http]") {
    auto options = test_options();
    options.drain_timeout = 200ms;
    TestServer server(options, [](http::IncomingRequest&) {
        auto response = answer(200);
        response.delay = 5s;
        return response;
    });
    RawClient client(server.port());
    client.send(post("/", ""));
    std::this_thread::sleep_for(50ms);
    auto start = std::chrono::steady_clock::now();
    server.server().stop();
    server.wait();
    CHECK(elapsed_ms(start) >= 150);
    CHECK(elapsed_ms(start) < 1500);
    CHECK(client.closed_within(500ms));
}

TEST_CASE("a second stop() ends the drain at once", "[http]") {
    auto options = test_options();
    options.drain_timeout = 5s;
    TestServer server(options, [](http::IncomingRequest&) {
        auto response = answer(200);
        response.delay = 5s;
        return response;
    });
    RawClient client(server.port());
    client.send(post("/", ""));
    std::this_thread::sleep_for(50ms);
    auto start = std::chrono::steady_clock::now();
    server.server().stop();
    std::this_thread::sleep_for(50ms);
    CHECK(client.quiet_for(50ms)); // draining: the request in flight is waited for
    server.stop_and_wait();
    CHECK(elapsed_ms(start) < 2000); // not the 5 s of the drain
}

TEST_CASE("port 0 picks a free port and bind reports a port in use in one line", "[http]") {
    TestServer server(test_options(), echo_target);
    REQUIRE(server.port() != 0);
    CHECK(server.server().host() == "127.0.0.1");

    auto options = test_options();
    options.port = server.port();
    auto second = http::Server::bind(options, echo_target);
    REQUIRE_FALSE(second);
    CHECK(second.error().kind == ErrorKind::config);
    CHECK(second.error().message == "cannot listen on 127.0.0.1:" + std::to_string(server.port()) +
                                        ": address already in use");

    options.host = "no-such-host.invalid";
    auto unresolved = http::Server::bind(options, echo_target);
    REQUIRE_FALSE(unresolved);
    CHECK(unresolved.error().message.rfind("cannot resolve host 'no-such-host.invalid': ", 0) == 0);
}

TEST_CASE("localhost and IPv6 addresses can be bound", "[http]") {
    auto options = test_options();
    options.host = "localhost";
    auto local = http::Server::bind(options, echo_target);
    REQUIRE(local);
    CHECK((*local)->host() == "127.0.0.1");

    options.host = "::1";
    auto v6 = http::Server::bind(options, echo_target);
    if (!v6) {
        WARN("no IPv6 loopback here: " << v6.error().message);
        return;
    }
    CHECK((*v6)->host() == "::1");
    CHECK((*v6)->port() != 0);
}
