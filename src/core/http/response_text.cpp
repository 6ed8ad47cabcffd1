// SPDX-License-Identifier: MIT
#include "core/http/response_text.hpp"

#include "core/message/message.hpp"

#include <charconv>

namespace hooks::http {
namespace {

/// The next line of `text` without its LF or CRLF; `text` moves past it.
std::string_view next_line(std::string_view& text) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    return line;
}

/// "HTTP/1.1 202 Accepted" -> 202.
Result<int> parse_status_line(std::string_view line) {
    auto error = [] {
        return fail(ErrorKind::input,
                    "line 1 is not a status line such as 'HTTP/1.1 200 OK' (200 to 599)");
    };
    if (!line.starts_with("HTTP/")) {
        return error();
    }
    std::size_t space = line.find(' ');
    if (space == std::string_view::npos) {
        return error();
    }
    std::string_view rest = line.substr(space + 1);
    int status = 0;
    auto [end, parse_error] = std::from_chars(rest.data(), rest.data() + rest.size(), status);
    bool is_whole = end == rest.data() + rest.size() || *end == ' ';
    if (parse_error != std::errc{} || !is_whole || end - rest.data() != 3 || status < 200 ||
        status > 599) {
        return error();
    }
    return status;
}

bool is_framing(std::string_view name) {
    return message::names_equal(name, "Content-Length") ||
           message::names_equal(name, "Transfer-Encoding") ||
           message::names_equal(name, "Connection");
}

} // namespace

Result<Response> parse_response_text(std::string_view text) {
    Response response;
    auto status = parse_status_line(next_line(text));
    if (!status) {
        return tl::unexpected(status.error());
    }
    response.status = *status;
    for (std::size_t number = 2; !text.empty(); ++number) {
        std::string_view line = next_line(text);
        if (line.empty()) {
            response.body.assign(text);
            break;
        }
        std::string where = "line " + std::to_string(number);
        if (line.front() == ' ' || line.front() == '\t') {
            return fail(ErrorKind::input,
                        where + " is a folded continuation, which is not supported");
        }
        auto header = message::parse_header_line(line);
        if (!header || !message::validate_header(header->name, header->value)) {
            return fail(ErrorKind::input, where + " is not a 'Name: value' header line");
        }
        if (!is_framing(header->name)) {
            response.headers.push_back(std::move(*header));
        }
    }
    return response;
}

} // namespace hooks::http
