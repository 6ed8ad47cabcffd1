// SPDX-License-Identifier: MIT
#include "core/http/wire_request.hpp"

#include <catch2/catch.hpp>

using namespace hooks;
using message::Header;
using message::Message;

namespace {

Message request_of(std::string method, std::string target, std::vector<Header> headers,
                   std::string body) {
    Message request;
    request.method = std::move(method);
    request.target = std::move(target);
    request.headers = std::move(headers);
    request.body = std::move(body);
    return request;
}

} // namespace

TEST_CASE("to_wire writes headers as given, Host first only when missing", "[http]") {
    using namespace std::string_literals;
    std::string body = "{\"a\":1}\0\r\n\xff"s;
    auto wire =
        http::to_wire(request_of("POST", "/x?q=%20",
                                 {{"x-lower-Case", "v  a"}, {"X-Dup", "a"}, {"X-Dup", "b"}}, body),
                      "127.0.0.1:8080");
    REQUIRE(wire);
    CHECK(wire->bytes == "POST /x?q=%20 HTTP/1.1\r\n"
                         "Host: 127.0.0.1:8080\r\n"
                         "x-lower-Case: v  a\r\n"
                         "X-Dup: a\r\n"
                         "X-Dup: b\r\n"
                         "Content-Length: 11\r\n"
                         "\r\n" +
                             body);
    CHECK_FALSE(wire->is_head);
    CHECK_FALSE(wire->should_close);
}

TEST_CASE("to_wire keeps Host and Content-Length in place and drops Transfer-Encoding", "[http]") {
    auto wire = http::to_wire(request_of("PUT", "/",
                                         {{"Transfer-Encoding", "chunked"},
                                          {"host", "example.test"},
                                          {"content-length", "99"},
                                          {"Content-Length", "98"},
                                          {"X-After", "1"}},
                                         "abc"),
                              "ignored:1");
    REQUIRE(wire);
    CHECK(wire->bytes == "PUT / HTTP/1.1\r\nhost: example.test\r\ncontent-length: 3\r\n"
                         "X-After: 1\r\n\r\nabc");
}

TEST_CASE("to_wire announces an empty body only where one is expected", "[http]") {
    auto get = http::to_wire(request_of("GET", "/g", {}, ""), "h");
    REQUIRE(get);
    CHECK(get->bytes == "GET /g HTTP/1.1\r\nHost: h\r\n\r\n");
    auto post = http::to_wire(request_of("POST", "/p", {}, ""), "h");
    REQUIRE(post);
    CHECK(post->bytes == "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
    auto head = http::to_wire(request_of("HEAD", "/", {{"Connection", "Close"}}, ""), "h");
    REQUIRE(head);
    CHECK(head->is_head);
    CHECK(head->should_close);
}

TEST_CASE("to_wire refuses whatever could split or smuggle a request", "[http]") {
    std::vector<Message> requests = {
        request_of("POST", "/", {{"X-Evil", "a\r\nX-Injected: 1"}}, ""),
        request_of("POST", "/", {{"X Bad", "v"}}, ""),
        request_of("POST", "/a b", {}, ""),
        request_of("POST", "", {}, ""),
        request_of("POST", "/", {{"X-Nul", std::string("a\0b", 3)}}, ""),
        request_of("PO\nST", "/", {}, ""),
    };
    requests.push_back(request_of("POST", "/", {}, "a"));
    requests.back().trailers = {{"X-Sig", "v\r\nX-Injected: 1"}};
    requests.push_back(request_of("POST", "/", {}, "a"));
    requests.back().trailers = {{"X:Sig", "v"}};
    for (const Message& request : requests) {
        auto wire = http::to_wire(request, "h");
        REQUIRE_FALSE(wire);
        CHECK(wire.error().kind == ErrorKind::input);
        CHECK_FALSE(wire.error().message.empty());
        CHECK(wire.error().message.find('\n') == std::string::npos);
    }
}

TEST_CASE("to_wire sends a request with trailers chunked, the trailers after the body", "[http]") {
    Message request = request_of("POST", "/t",
                                 {{"Content-Length", "17"},
                                  {"transfer-encoding", "chunked"},
                                  {"Trailer", "X-Signature"},
                                  {"Transfer-Encoding", "gzip"}},
                                 std::string(17, 'b'));
    request.trailers = {{"X-Signature", "sha256=ab"}, {"x-second", "2"}};
    auto wire = http::to_wire(request, "h");
    REQUIRE(wire);
    CHECK(wire->bytes ==
          "POST /t HTTP/1.1\r\nHost: h\r\ntransfer-encoding: chunked\r\n"
          "Trailer: X-Signature\r\n\r\n"
          "11\r\nbbbbbbbbbbbbbbbbb\r\n0\r\nX-Signature: sha256=ab\r\nx-second: 2\r\n\r\n");

    Message empty = request_of("POST", "/", {{"X-A", "1"}}, "");
    empty.trailers = {{"X-Signature", "s"}};
    auto wire_empty = http::to_wire(empty, "h");
    REQUIRE(wire_empty);
    CHECK(wire_empty->bytes == "POST / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n"
                               "Transfer-Encoding: chunked\r\n\r\n0\r\nX-Signature: s\r\n\r\n");
}
