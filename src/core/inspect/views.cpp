// SPDX-License-Identifier: MIT
#include "core/inspect/views.hpp"

#include "core/crypto/encoding.hpp"
#include "core/inspect/arrival.hpp"
#include "core/text/text.hpp"

#include <nlohmann/json.hpp>

namespace hooks::inspect {
namespace {

using nlohmann::json;

/// Serializes for the page: text that is not valid UTF-8 (a header value, a target) shows as
/// U+FFFD rather than failing; the exact bytes are in the JSONL and HAR downloads.
std::string dump(const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

json summary_object(const Entry& entry) {
    const log::Record& record = entry.record;
    auto content_type = record.message.first_header("Content-Type");
    return json{
        {"seq", entry.seq},
        {"log_seq", record.seq == 0 ? json(nullptr) : json(record.seq)},
        {"id", record.id ? json(*record.id) : json(nullptr)},
        {"received_at", log::format_rfc3339(record.received_at)},
        {"method", record.message.method},
        {"target", record.message.target},
        {"provider", entry.provider},
        {"event_type", entry.event_type ? json(*entry.event_type) : json(nullptr)},
        {"verdict", verdict_of(entry)},
        {"reason", record.verify ? record.verify->reason : std::string()},
        {"status", record.response_status ? json(*record.response_status) : json(nullptr)},
        {"size", record.message.body.size()},
        {"redelivery", entry.is_redelivery},
        {"attempt", entry.attempt},
        {"content_type", content_type ? std::string(*content_type) : std::string()},
    };
}

json verification_object(const Verification& verification) {
    auto optional_number = [](const std::optional<long long>& value) {
        return value ? json(*value) : json(nullptr);
    };
    return json{
        {"provider", verification.provider},
        {"ok", verification.is_valid},
        {"reason", verification.reason},
        {"check", verification.check},
        {"header", verification.header},
        {"matched_secret", verification.matched_secret},
        {"skew_seconds", optional_number(verification.skew_seconds)},
        {"tolerance_seconds", optional_number(verification.tolerance_seconds)},
        {"replay_protection", verification.has_replay_protection},
        {"signed_content", verification.signed_content},
        {"body_shape", verification.body_shape},
        {"findings", verification.findings},
        {"recorded", verification.is_recorded},
    };
}

json attempts_array(const std::vector<Attempt>& attempts) {
    json list = json::array();
    const Attempt* previous = nullptr;
    for (const Attempt& attempt : attempts) {
        json delay = nullptr;
        if (previous != nullptr) {
            delay = std::chrono::duration_cast<std::chrono::milliseconds>(attempt.received_at -
                                                                          previous->received_at)
                        .count();
        }
        list.push_back({{"seq", attempt.seq},
                        {"received_at", log::format_rfc3339(attempt.received_at)},
                        {"status", attempt.status ? json(*attempt.status) : json(nullptr)},
                        {"verdict", attempt.verdict},
                        {"delay_ms", delay}});
        previous = &attempt;
    }
    return list;
}

void append_optional_string(std::string& out, const std::optional<std::string>& value) {
    if (value) {
        text::append_json_string_lossy(out, *value);
    } else {
        out += "null";
    }
}

bool is_json_body(std::string_view body) {
    return json::accept(body);
}

/// Whether `text` can go between single quotes as it is: printable ASCII without a quote.
bool is_plain(std::string_view text) {
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte > 0x7e || c == '\'') {
            return false;
        }
    }
    return true;
}

/// `text` as one bash word that is exactly those bytes.
std::string shell_quote(std::string_view text) {
    if (is_plain(text)) {
        return "'" + std::string(text) + "'";
    }
    static constexpr std::string_view k_digits = "0123456789abcdef";
    std::string quoted = "$'";
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        if (c == '\'' || c == '\\') {
            quoted += '\\';
            quoted += c;
        } else if (c == '\n') {
            quoted += "\\n";
        } else if (byte >= 0x20 && byte <= 0x7e) {
            quoted += c;
        } else {
            quoted += "\\x";
            quoted += k_digits[byte >> 4];
            quoted += k_digits[byte & 0xf];
        }
    }
    return quoted + "'";
}

} // namespace

std::string_view verdict_of(const Entry& entry) {
    if (!entry.record.verify) {
        return "unchecked";
    }
    return entry.record.verify->ok ? "valid" : "invalid";
}

std::string summary_row(const Entry& entry) {
    std::string out;
    out.reserve(256 + entry.record.message.target.size());
    append_summary_row(entry, out);
    return out;
}

void append_summary_row(const Entry& entry, std::string& out) {
    // Written by hand, with no string made along the way: listen --ui streams the summary of
    // every delivery, and nlohmann's array-then-dump cost more than the rest of the delivery
    // together (bench/listen's hooks-ui; bench/fastpaths compares the two). In
    // k_summary_fields' order.
    const log::Record& record = entry.record;
    out += '[';
    text::append_number(out, entry.seq);
    out += ",\"";
    log::append_rfc3339(out, record.received_at);
    out += "\",";
    text::append_json_string_lossy(out, record.message.method);
    out += ',';
    text::append_json_string_lossy(out, record.message.target);
    out += ',';
    text::append_json_string_lossy(out, entry.provider);
    out += ',';
    append_optional_string(out, entry.event_type);
    out += ",\"";
    out += verdict_of(entry);
    out += "\",";
    text::append_json_string_lossy(out, record.verify ? std::string_view(record.verify->reason)
                                                      : std::string_view());
    out += ',';
    if (record.response_status) {
        text::append_number(out, *record.response_status);
    } else {
        out += "null";
    }
    out += ',';
    text::append_number(out, record.message.body.size());
    out += ',';
    out += entry.is_redelivery ? "true" : "false";
    out += ',';
    text::append_number(out, entry.attempt);
    out += ',';
    auto content_type = record.message.first_header("Content-Type");
    text::append_json_string_lossy(out, content_type ? *content_type : std::string_view());
    out += ',';
    append_optional_string(out, record.id);
    out += ',';
    if (record.seq == 0) {
        out += "null";
    } else {
        text::append_number(out, record.seq);
    }
    out += ']';
}

const std::string& summary_fields_json() {
    static const std::string fields = [] {
        json names = json::array();
        for (std::string_view field : k_summary_fields) {
            names.push_back(field);
        }
        return names.dump();
    }();
    return fields;
}

namespace detail {

std::string summary_row_library(const Entry& entry) {
    json object = summary_object(entry);
    json row = json::array();
    for (std::string_view field : k_summary_fields) {
        row.push_back(object.at(field));
    }
    return dump(row);
}

} // namespace detail

std::string detail_json(const Entry& entry, const std::vector<Attempt>& attempts,
                        const std::optional<Verification>& verification) {
    const log::Record& record = entry.record;
    json detail = summary_object(entry);
    detail["remote"] = record.remote;
    json headers = json::array();
    for (const message::Header& header : record.message.headers) {
        headers.push_back({header.name, header.value});
    }
    detail["headers"] = std::move(headers);
    const std::string& body = record.message.body;
    if (text::is_valid_utf8(body)) {
        detail["body_text"] = body;
    } else {
        detail["body_b64"] = crypto::base64_encode(body);
    }
    detail["body_is_json"] = is_json_body(body);
    detail["verify"] = verification ? verification_object(*verification) : json(nullptr);
    detail["attempts"] = attempts_array(attempts);
    detail["curl"] = curl_command(record);
    return dump(detail);
}

std::string har_document(const Entry& entry, const std::string& version) {
    const log::Record& record = entry.record;
    json headers = json::array();
    for (const message::Header& header : record.message.headers) {
        headers.push_back({{"name", header.name}, {"value", header.value}});
    }
    auto content_type = record.message.first_header("Content-Type");
    json post_data = {{"mimeType", content_type ? std::string(*content_type) : std::string()}};
    const std::string& body = record.message.body;
    if (text::is_valid_utf8(body)) {
        post_data["text"] = body;
    } else {
        post_data["text"] = crypto::base64_encode(body);
        post_data["encoding"] = "base64";
    }
    json request = {{"method", record.message.method},  {"url", received_url(record.message)},
                    {"httpVersion", "HTTP/1.1"},        {"cookies", json::array()},
                    {"headers", std::move(headers)},    {"queryString", json::array()},
                    {"postData", std::move(post_data)}, {"headersSize", -1},
                    {"bodySize", body.size()}};
    json response = {{"status", record.response_status.value_or(0)},
                     {"statusText", ""},
                     {"httpVersion", "HTTP/1.1"},
                     {"cookies", json::array()},
                     {"headers", json::array()},
                     {"content", {{"size", 0}, {"mimeType", ""}}},
                     {"redirectURL", ""},
                     {"headersSize", -1},
                     {"bodySize", -1}};
    json har_entry = {{"startedDateTime", log::format_rfc3339(record.received_at)},
                      {"time", 0},
                      {"request", std::move(request)},
                      {"response", std::move(response)},
                      {"cache", json::object()},
                      {"timings", {{"send", 0}, {"wait", 0}, {"receive", 0}}}};
    json document = {{"log",
                      {{"version", "1.2"},
                       {"creator", {{"name", "hooks"}, {"version", version}}},
                       {"entries", json::array({std::move(har_entry)})}}}};
    return dump(document);
}

std::string curl_command(const log::Record& record) {
    const message::Message& request = record.message;
    std::string command = "curl --request " + shell_quote(request.method) + " --url " +
                          shell_quote(received_url(record.message));
    for (const message::Header& header : request.headers) {
        if (message::names_equal(header.name, "Host") ||
            message::names_equal(header.name, "Content-Length") ||
            message::is_hop_by_hop(header.name)) {
            continue;
        }
        // curl reads "Name:" as "remove the header" and "Name;" as "send it empty".
        std::string line =
            header.value.empty() ? header.name + ";" : header.name + ": " + header.value;
        command += " \\\n  --header " + shell_quote(line);
    }
    // Headers curl adds of its own accord, removed when the request did not have them.
    for (std::string_view name : {"Accept", "User-Agent", "Content-Type"}) {
        if (!request.first_header(name) && (name != "Content-Type" || !request.body.empty())) {
            command += " \\\n  --header '" + std::string(name) + ":'";
        }
    }
    if (request.body.size() > std::size_t{1024} * 1024) {
        command += " \\\n  --header 'Expect:'"; // curl's 100-continue above 1 MiB
    }
    if (!request.body.empty()) {
        command += " \\\n  --data-binary " + shell_quote(request.body);
    }
    return command;
}

} // namespace hooks::inspect
