// SPDX-License-Identifier: MIT
#include "core/message/message.hpp"

#include "core/text/text.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace hooks::message {
namespace {

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_token_char(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_target_char(char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte > 0x20 && byte != 0x7f;
}

// A request line is "METHOD SP target SP HTTP/x.y".
bool split_request_line(std::string_view line, std::string& method, std::string& target) {
    size_t first = line.find(' ');
    size_t last = line.rfind(' ');
    if (first == std::string_view::npos || first == last ||
        line.substr(last + 1).rfind("HTTP/", 0) != 0) {
        return false;
    }
    std::string_view name = line.substr(0, first);
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_token_char)) {
        return false;
    }
    // A request-target has no spaces or control characters (RFC 9112); one with a CR or NUL
    // would be written verbatim into the request line when the message is sent again.
    std::string_view path = line.substr(first + 1, last - first - 1);
    if (path.empty() || !std::all_of(path.begin(), path.end(), is_target_char)) {
        return false;
    }
    method = std::string(name);
    target = std::string(path);
    return true;
}

} // namespace

std::vector<std::string_view> Message::header_values(std::string_view name) const {
    std::vector<std::string_view> values;
    for (const Header& header : headers) {
        if (names_equal(header.name, name)) {
            values.emplace_back(header.value);
        }
    }
    return values;
}

std::optional<std::string_view> Message::first_header(std::string_view name) const {
    for (const Header& header : headers) {
        if (names_equal(header.name, name)) {
            return std::string_view(header.value);
        }
    }
    return std::nullopt;
}

bool names_equal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

bool is_hop_by_hop(std::string_view name) {
    constexpr std::array<std::string_view, 8> k_hop = {
        "Connection", "Keep-Alive",        "Proxy-Connection", "TE",
        "Trailer",    "Transfer-Encoding", "Upgrade",          "Expect"};
    return std::any_of(k_hop.begin(), k_hop.end(),
                       [&](std::string_view hop) { return names_equal(name, hop); });
}

Result<void> validate_method(std::string_view method) {
    if (method.empty() || !std::all_of(method.begin(), method.end(), is_token_char)) {
        return fail(ErrorKind::usage, "invalid HTTP method '" + text::printable(method) +
                                          "': letters, digits and !#$%&'*+-.^_`|~ only");
    }
    return {};
}

namespace {

// A malformed header may hold a credential ("Authorization Bearer sk_live_..."): messages quote
// only the leading run of name characters, and only when something follows it.
std::string leading_name(std::string_view text) {
    auto end = std::find_if_not(text.begin(), text.end(), is_token_char);
    if (end == text.end() || end == text.begin()) {
        return {};
    }
    return text::printable(text.substr(0, static_cast<std::size_t>(end - text.begin())));
}

std::string describe_character(char c) {
    if (c == ' ') {
        return "a space";
    }
    char text[32];
    auto byte = static_cast<unsigned char>(c);
    if (byte > 0x20 && byte < 0x7F) {
        std::snprintf(text, sizeof text, "'%c'", c);
    } else {
        std::snprintf(text, sizeof text, "byte 0x%02X", byte);
    }
    return text;
}

} // namespace

Result<void> validate_header(std::string_view name, std::string_view value) {
    if (name.empty()) {
        return fail(ErrorKind::input, "header name is empty");
    }
    if (auto bad = std::find_if_not(name.begin(), name.end(), is_token_char); bad != name.end()) {
        std::string start = leading_name(name);
        return fail(ErrorKind::input,
                    (start.empty() ? std::string("a header name") : "header name '" + start + "'") +
                        (start.empty() ? " contains " : " is followed by ") +
                        describe_character(*bad) + ", which HTTP header names cannot contain");
    }
    for (char c : value) {
        if (c == '\r' || c == '\n' || c == '\0') {
            return fail(ErrorKind::input,
                        "header '" + std::string(name) + "' value contains CR, LF or NUL");
        }
    }
    return {};
}

Result<void> validate_request(const Message& request) {
    if (auto valid = validate_method(request.method); !valid) {
        return fail(ErrorKind::input, valid.error().message);
    }
    if (request.target.empty() || request.target.find_first_of(" \r\n\t") != std::string::npos ||
        request.target.find('\0') != std::string::npos) {
        return fail(ErrorKind::input, "invalid request target");
    }
    for (const auto* fields : {&request.headers, &request.trailers}) {
        for (const Header& header : *fields) {
            if (auto valid = validate_header(header.name, header.value); !valid) {
                return valid;
            }
        }
    }
    return {};
}

const Message& with_trailers(const Message& message, Message& storage) {
    if (message.trailers.empty()) {
        return message;
    }
    storage = message;
    storage.headers.insert(storage.headers.end(), message.trailers.begin(), message.trailers.end());
    storage.trailers.clear();
    return storage;
}

Result<Header> parse_header_line(std::string_view line) {
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
        std::string start = leading_name(line);
        return fail(ErrorKind::input, (start.empty() ? std::string("a header")
                                                     : "the header starting '" + start + "'") +
                                          " has no ':' (expected 'Name: value')");
    }
    Header header{std::string(line.substr(0, colon)),
                  std::string(text::trim_blanks(line.substr(colon + 1)))};
    if (auto valid = validate_header(header.name, header.value); !valid) {
        return tl::unexpected(valid.error());
    }
    return header;
}

namespace {

/// The request part of `curl -v` output (the "> " lines, without the prefix, up to the empty
/// one), or nothing when `text` has no such line.
std::optional<std::string> curl_verbose_request(std::string_view text) {
    std::string request;
    bool is_curl = false;
    while (!text.empty()) {
        size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.starts_with(">")) {
            is_curl = true;
            std::string_view rest = line.substr(line.starts_with("> ") ? 2 : 1);
            if (rest.empty()) {
                break; // the end of curl's request header
            }
            request.append(rest).append("\n");
        }
    }
    return is_curl ? std::optional<std::string>(std::move(request)) : std::nullopt;
}

} // namespace

Result<Message> parse_header_block(std::string_view text) {
    if (auto request = curl_verbose_request(text)) {
        return parse_header_block(*request);
    }
    Message message;
    size_t line_number = 0;
    while (!text.empty()) {
        size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++line_number;
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.empty()) {
            break;
        }
        if (line_number == 1 && split_request_line(line, message.method, message.target)) {
            continue;
        }
        if (line.front() == ':') {
            continue; // an HTTP/2 pseudo-header (":method: POST") from a browser's copy
        }
        if (line.front() == ' ' || line.front() == '\t') {
            return fail(ErrorKind::input, "header line " + std::to_string(line_number) +
                                              " is a folded continuation, which is not supported");
        }
        // The file may not be what the user meant (a secret file, say): name the line, do not
        // quote it.
        auto header = parse_header_line(line);
        if (!header) {
            return fail(ErrorKind::input, "line " + std::to_string(line_number) +
                                              " is not a 'Name: value' header line");
        }
        message.headers.push_back(std::move(*header));
    }
    return message;
}

} // namespace hooks::message
