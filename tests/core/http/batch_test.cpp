// SPDX-License-Identifier: MIT
#include "core/http/batch.hpp"
#include "core/http/batch_fixture.hpp"

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <functional>
#include <map>

using namespace hooks;
using namespace hooks::test;
using message::Header;

namespace {

/// Records every request it receives and answers 200 with the target as the body.
struct Recorder {
    std::mutex mutex;
    std::vector<message::Message> received;

    http::Handler handler() {
        return [this](http::IncomingRequest& request) {
            std::lock_guard lock(mutex);
            received.push_back(request.message);
            http::Response response = answer(200, request.message.target);
            response.headers = {{"X-Length", std::to_string(request.message.body.size())}};
            return response;
        };
    }

    std::size_t count() {
        std::lock_guard lock(mutex);
        return received.size();
    }
};

/// Reads one request with a Content-Length body from `fd`; false on EOF.
bool read_request(int fd) {
    std::string data;
    char buffer[4096];
    while (true) {
        auto end = data.find("\r\n\r\n");
        if (end != std::string::npos) {
            auto at = data.find("Content-Length: ");
            std::size_t length = at == std::string::npos ? 0 : std::stoul(data.substr(at + 16));
            if (data.size() >= end + 4 + length) {
                return true;
            }
        }
        auto got = ::recv(fd, buffer, sizeof buffer, 0);
        if (got <= 0) {
            return false;
        }
        data.append(buffer, static_cast<std::size_t>(got));
    }
}

} // namespace

TEST_CASE("a batch delivers every exchange once, byte-exact, headers in order", "[http]") {
    Recorder recorder;
    TestServer server(test_options(), recorder.handler());
    using namespace std::string_literals;
    std::vector<message::Message> requests;
    requests.reserve(301);
    for (int i = 0; i < 300; ++i) {
        requests.push_back(post_to("/item/" + std::to_string(i) + "?q=%20",
                                   "{\"i\":"s + std::to_string(i) + "}\0\r\n\xff"s,
                                   {{"X-Index", std::to_string(i)},
                                    {"x-lower-Case", "v  a"},
                                    {"X-Dup", "a"},
                                    {"Content-Type", "application/json"},
                                    {"X-Dup", "b"}}));
    }
    requests.push_back(post_to("/get", ""));
    requests.back().method = "GET";
    std::string host = "127.0.0.1:" + std::to_string(server.port());
    ListDriver driver(requests, host);
    REQUIRE(http::run_batch(origin_at(server.port()), driver, batch_options(8)));

    REQUIRE(driver.results.size() == requests.size());
    for (const auto& [tag, results] : driver.results) {
        REQUIRE(results.size() == 1);
        REQUIRE(results[0]);
        CHECK(results[0]->status == 200);
        CHECK(results[0]->body == requests[tag].target);
        CHECK(results[0]->latency > 0us);
        CHECK(std::count(results[0]->headers.begin(), results[0]->headers.end(),
                         Header{"X-Length", std::to_string(requests[tag].body.size())}) == 1);
    }
    REQUIRE(recorder.count() == requests.size());
    std::map<std::string, const message::Message*> by_target;
    for (const auto& received : recorder.received) {
        CHECK(by_target.emplace(received.target, &received).second);
    }
    for (const auto& request : requests) {
        REQUIRE(by_target.count(request.target) == 1);
        const message::Message& received = *by_target[request.target];
        std::vector<Header> expected = {{"Host", host}};
        expected.insert(expected.end(), request.headers.begin(), request.headers.end());
        if (request.method == "POST") {
            expected.push_back({"Content-Length", std::to_string(request.body.size())});
        }
        CHECK(received.method == request.method);
        CHECK(received.headers == expected);
        CHECK(received.body == request.body);
    }
    CHECK(driver.max_open <= std::size_t{8} * 64);
}

TEST_CASE("a batch keeps a request's Host and Content-Length in place, framed right", "[http]") {
    Recorder recorder;
    TestServer server(test_options(), recorder.handler());
    ListDriver driver({post_to("/", "abc",
                               {{"Transfer-Encoding", "chunked"},
                                {"host", "example.test"},
                                {"content-length", "99"},
                                {"X-After", "1"}}),
                       post_to("/", "de", {{"X-Only", "1"}})},
                      "127.0.0.1:" + std::to_string(server.port()));
    REQUIRE(http::run_batch(origin_at(server.port()), driver, batch_options(1)));
    REQUIRE(recorder.count() == 2);
    CHECK(recorder.received[0].headers ==
          std::vector<Header>{{"host", "example.test"}, {"content-length", "3"}, {"X-After", "1"}});
    CHECK(recorder.received[0].body == "abc");
    CHECK(recorder.received[1].headers ==
          std::vector<Header>{{"Host", "127.0.0.1:" + std::to_string(server.port())},
                              {"X-Only", "1"},
                              {"Content-Length", "2"}});
}

TEST_CASE("a batch retries after the driver's waits", "[http]") {
    std::atomic<int> calls = 0;
    TestServer server(test_options(), [&](http::IncomingRequest& request) {
        ++calls;
        return answer(request.message.first_header("X-Attempt") == "3" ? 200 : 503);
    });
    std::vector<message::Message> requests(10, post_to("/", "x", {{"X-Attempt", "1"}}));
    ListDriver driver(requests);
    driver.decide = [](std::uint64_t, int, const http::AttemptResult& result) {
        std::optional<http::BatchRetry> retry;
        if (result && result->status == 503) {
            retry = http::BatchRetry{40ms, true};
        }
        return retry;
    };
    driver.rebuild_with = [](std::uint64_t, int attempt) {
        return post_to("/", "x", {{"X-Attempt", std::to_string(attempt)}});
    };
    auto started = Clock::now();
    REQUIRE(http::run_batch(origin_at(server.port()), driver, batch_options(4)));
    CHECK(elapsed_ms(started) >= 80);
    CHECK(calls == 30);
    REQUIRE(driver.results.size() == 10);
    for (const auto& [tag, results] : driver.results) {
        REQUIRE(results.size() == 3);
        CHECK(results[0]->status == 503);
        CHECK(results[1]->status == 503);
        CHECK(results[2]->status == 200);
    }
    CHECK(driver.open == 0);
}

TEST_CASE("a batch spreads new exchanges to respect the rate", "[http]") {
    Recorder recorder;
    TestServer server(test_options(), recorder.handler());
    ListDriver driver(std::vector<message::Message>(21, post_to("/", "")));
    auto options = batch_options(8);
    options.rate = 100;
    auto started = Clock::now();
    REQUIRE(http::run_batch(origin_at(server.port()), driver, options));
    auto elapsed = elapsed_ms(started);
    CHECK(elapsed >= 150); // 20 intervals of 10 ms
    CHECK(elapsed < 5000);
    CHECK(recorder.count() == 21);
}

TEST_CASE("a batch keeps at most max_open exchanges under way", "[http]") {
    Recorder recorder;
    TestServer server(test_options(), recorder.handler());
    ListDriver driver(std::vector<message::Message>(12, post_to("/", "")));
    driver.decide = [](std::uint64_t, int attempt, const http::AttemptResult&) {
        std::optional<http::BatchRetry> retry;
        if (attempt == 1) {
            retry = http::BatchRetry{30ms, false};
        }
        return retry;
    };
    auto options = batch_options(8);
    options.max_open = 3;
    REQUIRE(http::run_batch(origin_at(server.port()), driver, options));
    CHECK(driver.max_open == 3);
    CHECK(recorder.count() == 24);
    CHECK(driver.results.size() == 12);
}

TEST_CASE("a batch reports a refused connection as a connect failure", "[http]") {
    std::uint16_t port = 0;
    {
        RawListener unused; // bound, never listening: connections to it are refused
        port = unused.port();
    }
    ListDriver driver({post_to("/", "a"), post_to("/", "b")});
    REQUIRE(http::run_batch(origin_at(port), driver, batch_options(2)));
    REQUIRE(driver.results.size() == 2);
    for (const auto& [tag, results] : driver.results) {
        REQUIRE(results.size() == 1);
        REQUIRE_FALSE(results[0]);
        CHECK(results[0].error().failure == http::Failure::connect);
        CHECK(results[0].error().message ==
              "cannot connect to http://127.0.0.1:" + std::to_string(port) +
                  " (refused, unreachable or unknown host)");
    }
}

TEST_CASE("a batch reports a server that never answers as a timeout", "[http]") {
    RawListener silent;
    silent.listen(); // the kernel accepts; nobody reads or answers
    ListDriver driver({post_to("/", "a")});
    auto options = batch_options(1);
    options.client.timeout = 200ms;
    auto started = Clock::now();
    REQUIRE(http::run_batch(origin_at(silent.port()), driver, options));
    CHECK(elapsed_ms(started) >= 150);
    REQUIRE(driver.results.size() == 1);
    const auto& result = driver.results[0].at(0);
    REQUIRE_FALSE(result);
    CHECK(result.error().failure == http::Failure::timeout);
    CHECK(result.error().message ==
          "no response from http://127.0.0.1:" + std::to_string(silent.port()) + " within 200 ms");
}

TEST_CASE("a batch reconnects when the server closed a kept-alive connection", "[http]") {
    RawListener listener;
    listener.listen();
    std::atomic<int> accepted = 0;
    std::thread server([&] {
        // Answers one request per connection without saying so, then closes.
        for (int i = 0; i < 3; ++i) {
            int fd = ::accept(listener.fd(), nullptr, nullptr);
            REQUIRE(fd >= 0);
            ++accepted;
            if (read_request(fd)) {
                std::string_view reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
                CHECK(::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL) ==
                      static_cast<ssize_t>(reply.size()));
            }
            std::this_thread::sleep_for(20ms);
            ::close(fd);
        }
    });
    ListDriver driver({post_to("/1", "a"), post_to("/2", "b"), post_to("/3", "c")});
    auto ran = http::run_batch(origin_at(listener.port()), driver, batch_options(1));
    server.join();
    REQUIRE(ran);
    CHECK(accepted == 3);
    REQUIRE(driver.results.size() == 3);
    for (const auto& [tag, results] : driver.results) {
        REQUIRE(results.size() == 1);
        REQUIRE(results[0]);
        CHECK(results[0]->body == "ok");
    }
}

TEST_CASE("a batch follows Connection: close responses with a new connection", "[http]") {
    std::atomic<int> calls = 0;
    TestServer server(test_options(), [&](http::IncomingRequest&) {
        ++calls;
        http::Response response = answer(200, "bye");
        response.close = true;
        return response;
    });
    ListDriver driver(std::vector<message::Message>(10, post_to("/", "x")));
    REQUIRE(http::run_batch(origin_at(server.port()), driver, batch_options(2)));
    CHECK(calls == 10);
    for (const auto& [tag, results] : driver.results) {
        REQUIRE(results.size() == 1);
        REQUIRE(results[0]);
        CHECK(results[0]->body == "bye");
    }
}

TEST_CASE("a driver error stops the batch and is returned", "[http]") {
    Recorder recorder;
    TestServer server(test_options(), recorder.handler());
    ListDriver driver(std::vector<message::Message>(100, post_to("/", "")));
    driver.fail_next_at = 20;
    auto ran = http::run_batch(origin_at(server.port()), driver, batch_options(4));
    REQUIRE_FALSE(ran);
    CHECK(ran.error().message == "the driver gives up");
    CHECK(driver.results.size() == 20);
    CHECK(recorder.count() == 20);

    ListDriver failing(std::vector<message::Message>(100, post_to("/", "")));
    failing.fail_finished_at = 5;
    ran = http::run_batch(origin_at(server.port()), failing, batch_options(4));
    REQUIRE_FALSE(ran);
    CHECK(ran.error().message == "the driver fails on a result");
    CHECK(failing.results.size() < 100);
}

TEST_CASE("should_stop ends a batch gracefully", "[http]") {
    Recorder recorder;
    TestServer server(test_options(), recorder.handler());
    ListDriver driver(std::vector<message::Message>(5000, post_to("/", "")));
    driver.stop_after = 10;
    driver.decide = [](std::uint64_t, int, const http::AttemptResult&) {
        return std::optional<http::BatchRetry>(http::BatchRetry{10s, false});
    };
    auto started = Clock::now();
    REQUIRE(http::run_batch(origin_at(server.port()), driver, batch_options(4)));
    CHECK(elapsed_ms(started) < 5000); // the retries waiting were dropped
    CHECK(driver.results.size() >= 10);
    CHECK(driver.results.size() < 100);
    CHECK(recorder.count() == driver.results.size());
}

TEST_CASE("a retry is rebuilt when it is due, and a failed rebuild counts as its attempt",
          "[http]") {
    std::atomic<int> calls = 0;
    TestServer server(test_options(), [&](http::IncomingRequest&) {
        ++calls;
        return answer(503);
    });
    ListDriver driver({post_to("/", "a"), post_to("/", "b")});
    using Key = std::pair<std::uint64_t, int>;
    std::map<Key, Clock::time_point> failed_at;
    std::map<Key, Clock::time_point> rebuilt_at;
    driver.decide = [&](std::uint64_t tag, int attempt, const http::AttemptResult&) {
        failed_at[{tag, attempt}] = Clock::now();
        std::optional<http::BatchRetry> retry;
        if (attempt < 3) {
            retry = http::BatchRetry{60ms, true};
        }
        return retry;
    };
    driver.rebuild_with = [&](std::uint64_t tag, int attempt) {
        rebuilt_at[{tag, attempt}] = Clock::now();
        return tag == 0 ? post_to("/", "a again") : post_to("bad target", "");
    };
    REQUIRE(http::run_batch(origin_at(server.port()), driver, batch_options(2)));
    std::vector<Key> rebuilt = driver.rebuilt;
    std::sort(rebuilt.begin(), rebuilt.end());
    CHECK(rebuilt == std::vector<Key>{{0, 2}, {0, 3}, {1, 2}, {1, 3}});
    for (const auto& [key, at] : rebuilt_at) {
        // Built when due, a wait after the failure before it, not at the failure.
        CHECK(at - failed_at[{key.first, key.second - 1}] >= 60ms);
    }
    // Tag 0's retries went out; tag 1's could not be built and never reached the server.
    CHECK(calls == 4);
    REQUIRE(driver.results[1].size() == 3);
    REQUIRE_FALSE(driver.results[1][1]);
    CHECK(driver.results[1][1].error().failure == http::Failure::other);
    CHECK(driver.results[1][1].error().message == "invalid request target");
    REQUIRE(driver.results[0].size() == 3);
    CHECK(driver.results[0][2]->status == 503);
}
