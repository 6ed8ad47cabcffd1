// SPDX-License-Identifier: MIT
// Header blocks (request dumps, --headers-file) and single `Name: value` lines (-H): every
// header that parses passes validate_header, and a parsed block written back out with CRLF
// parses to the same message.
#include "core/message/message.hpp"
#include "fuzz_target.hpp"

#include <algorithm>
#include <string>
#include <string_view>

namespace {

bool is_trimmed(std::string_view value) {
    return value.empty() || (value.front() != ' ' && value.front() != '\t' && value.back() != ' ' &&
                             value.back() != '\t');
}

// Errors follow `hooks: error: ` on one line, so they must not carry the input's CR or LF.
bool is_one_line(std::string_view message) {
    return message.find_first_of("\r\n") == std::string_view::npos;
}

void check_header(const hooks::message::Header& header) {
    HOOKS_FUZZ_CHECK(hooks::message::validate_header(header.name, header.value).has_value());
    HOOKS_FUZZ_CHECK(header.name.find(':') == std::string::npos);
    HOOKS_FUZZ_CHECK(is_trimmed(header.value));
}

std::string serialize(const hooks::message::Message& message) {
    std::string text = message.method + " " + message.target + " HTTP/1.1\r\n";
    for (const hooks::message::Header& header : message.headers) {
        text += header.name + ": " + header.value + "\r\n";
    }
    return text + "\r\n";
}

void check_block(std::string_view text) {
    auto message = hooks::message::parse_header_block(text);
    if (!message) {
        HOOKS_FUZZ_CHECK(is_one_line(message.error().message));
        return;
    }
    HOOKS_FUZZ_CHECK(!message->method.empty() && !message->target.empty());
    HOOKS_FUZZ_CHECK(hooks::message::validate_header(message->method, "").has_value());
    // The target is sent again by replay and send: no CR, LF, NUL, other controls or spaces.
    HOOKS_FUZZ_CHECK(std::none_of(message->target.begin(), message->target.end(), [](char c) {
        auto byte = static_cast<unsigned char>(c);
        return byte <= 0x20 || byte == 0x7f;
    }));
    for (const hooks::message::Header& header : message->headers) {
        check_header(header);
        HOOKS_FUZZ_CHECK(message->first_header(header.name).has_value());
    }
    auto reparsed = hooks::message::parse_header_block(serialize(*message));
    HOOKS_FUZZ_CHECK(reparsed.has_value());
    HOOKS_FUZZ_CHECK(reparsed->method == message->method && reparsed->target == message->target);
    HOOKS_FUZZ_CHECK(reparsed->headers == message->headers);
}

// Each line on its own, as -H would receive it.
void check_lines(std::string_view text) {
    while (!text.empty()) {
        size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        auto header = hooks::message::parse_header_line(line);
        if (!header) {
            HOOKS_FUZZ_CHECK(is_one_line(header.error().message));
            continue;
        }
        check_header(*header);
        HOOKS_FUZZ_CHECK(line.substr(0, header->name.size()) == header->name);
        HOOKS_FUZZ_CHECK(line.find(header->value) != std::string_view::npos);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    check_block(input);
    check_lines(input);
    return 0;
}
