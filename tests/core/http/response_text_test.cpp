// SPDX-License-Identifier: MIT
#include "core/http/response_text.hpp"

#include <catch2/catch.hpp>

using namespace hooks;
using message::Header;

TEST_CASE("a response as curl -i prints it: status, headers, body byte for byte", "[http]") {
    using namespace std::string_literals;
    auto response = http::parse_response_text(
        "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nX-Dup: a\r\n"
        "Content-Length: 99\r\nx-dup: b\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n"
        "\r\n{\"ok\":true}\r\n\0\xff"s);
    REQUIRE(response);
    CHECK(response->status == 202);
    CHECK(response->headers == std::vector<Header>{{"Content-Type", "application/json"},
                                                   {"X-Dup", "a"},
                                                   {"x-dup", "b"}});
    CHECK(response->body == "{\"ok\":true}\r\n\0\xff"s);
}

TEST_CASE("a hand-written response: LF endings, no reason, no body", "[http]") {
    auto bare = http::parse_response_text("HTTP/2 410");
    REQUIRE(bare);
    CHECK(bare->status == 410);
    CHECK(bare->headers.empty());
    CHECK(bare->body.empty());

    auto lf = http::parse_response_text("HTTP/1.0 500 Oops\nRetry-After: 30\n\nlater\n");
    REQUIRE(lf);
    CHECK(lf->status == 500);
    CHECK(lf->headers == std::vector<Header>{{"Retry-After", "30"}});
    CHECK(lf->body == "later\n");
}

TEST_CASE("a response text that is not one fails naming the line, not quoting it", "[http]") {
    const std::pair<const char*, const char*> cases[] = {
        {"{\"ok\":true}", "line 1 is not a status line such as 'HTTP/1.1 200 OK' (200 to 599)"},
        {"HTTP/1.1 99 Low\r\n\r\n",
         "line 1 is not a status line such as 'HTTP/1.1 200 OK' (200 to 599)"},
        {"HTTP/1.1 600\r\n", "line 1 is not a status line such as 'HTTP/1.1 200 OK' (200 to 599)"},
        {"HTTP/1.1 2000\r\n", "line 1 is not a status line such as 'HTTP/1.1 200 OK' (200 to 599)"},
        {"HTTP/1.1 20x\r\n", "line 1 is not a status line such as 'HTTP/1.1 200 OK' (200 to 599)"},
        {"HTTP/1.1 200 OK\r\nsecret-token-value\r\n\r\n",
         "line 2 is not a 'Name: value' header line"},
        {"HTTP/1.1 200 OK\r\nBad Name: v\r\n\r\n", "line 2 is not a 'Name: value' header line"},
        {"HTTP/1.1 200 OK\r\nA: 1\r\n folded\r\n\r\n",
         "line 3 is a folded continuation, which is not supported"},
    };
    for (const auto& [text, message] : cases) {
        INFO(text);
        auto response = http::parse_response_text(text);
        REQUIRE_FALSE(response);
        CHECK(response.error().kind == ErrorKind::input);
        CHECK(response.error().message == message);
    }
}
