// SPDX-License-Identifier: MIT
#include "core/providers/verify_support.hpp"

#include "core/text/text.hpp"

namespace hooks::providers {

VerifyResult invalid(std::string check, std::string reason) {
    VerifyResult result;
    result.check = std::move(check);
    result.reason = std::move(reason);
    return result;
}

VerifyResult valid_result(std::string_view header, std::string_view secret_label) {
    VerifyResult result;
    result.is_valid = true;
    result.check = "signature";
    result.reason = "signature in " + std::string(header) + " matches " + std::string(secret_label);
    result.matched_secret = std::string(secret_label);
    return result;
}

tl::expected<std::string_view, VerifyResult> single_header(const message::Message& message,
                                                           std::string_view name) {
    // Looked up in place, without collecting the values: this runs for every delivery
    // `listen` checks.
    std::optional<std::string_view> first = message.first_header(name);
    if (!first) {
        return tl::unexpected(invalid("header", "missing header " + std::string(name)));
    }
    std::size_t count = 0;
    bool differs = false;
    for (const message::Header& header : message.headers) {
        if (message::names_equal(header.name, name)) {
            ++count;
            differs = differs || header.value != *first;
        }
    }
    if (differs) {
        return tl::unexpected(invalid("ambiguous", std::to_string(count) + " differing " +
                                                       std::string(name) +
                                                       " headers; refusing to pick one"));
    }
    return *first;
}

tl::expected<UnixMillis, VerifyResult> sent_time(std::string_view timestamp, TimestampUnit unit) {
    auto time = parse_timestamp(timestamp, unit);
    if (!time) {
        return tl::unexpected(invalid("timestamp", "malformed timestamp '" +
                                                       text::printable(timestamp) +
                                                       "': " + time.error().message));
    }
    return *time;
}

tl::expected<SignatureAndTime, VerifyResult> signature_and_time(const message::Message& message,
                                                                std::string_view signature_header,
                                                                std::string_view timestamp_header) {
    auto signature = single_header(message, signature_header);
    if (!signature) {
        return tl::unexpected(signature.error());
    }
    auto timestamp = single_header(message, timestamp_header);
    if (!timestamp) {
        return tl::unexpected(timestamp.error());
    }
    auto sent_at = sent_time(*timestamp, TimestampUnit::seconds);
    if (!sent_at) {
        return tl::unexpected(sent_at.error());
    }
    return SignatureAndTime{*signature, *timestamp, *sent_at};
}

VerifyResult no_supported_signature(std::string_view header, const std::vector<std::string>& found,
                                    const std::string& expected) {
    std::string list;
    for (const std::string& item : found) {
        if (!item.empty()) {
            list += (list.empty() ? "" : ", ") + text::printable(item);
        }
    }
    if (list.empty()) {
        return invalid("format",
                       "no signature in " + std::string(header) + " (expected " + expected + ")");
    }
    return invalid("version", "unsupported signature version " + list + " in " +
                                  std::string(header) + " (only " + expected + " is checked)");
}

VerifyResult signature_mismatch(std::string_view header, std::span<const Secret> secrets,
                                bool is_empty) {
    if (is_empty) {
        return invalid("signature", "empty or undecodable signature in " + std::string(header));
    }
    std::string labels;
    for (const Secret& secret : secrets) {
        labels += (labels.empty() ? "" : ", ") + secret.label;
    }
    if (secrets.size() == 1) {
        return invalid("signature", "signature mismatch: " + std::string(header) +
                                        " does not match the secret from " + labels);
    }
    return invalid("signature", "signature mismatch: " + std::string(header) + " matches none of " +
                                    std::to_string(secrets.size()) + " secrets (" + labels + ")");
}

void apply_tolerance(VerifyResult& result, UnixMillis sent_at, UnixMillis now,
                     std::optional<std::chrono::seconds> tolerance, bool rejects_future) {
    auto skew = std::chrono::duration_cast<std::chrono::seconds>(now - sent_at);
    result.skew_seconds = skew.count();
    if (!result.is_valid || !tolerance || tolerance->count() == 0) {
        return;
    }
    auto skew_precise = now - sent_at;
    std::string matched = result.matched_secret;
    if (skew_precise > *tolerance) {
        result = invalid("timestamp", "timestamp too old: sent " + std::to_string(skew.count()) +
                                          " s ago, tolerance " +
                                          std::to_string(tolerance->count()) + " s");
        result.skew_seconds = skew.count();
        result.matched_secret = matched;
    } else if (rejects_future && -skew_precise > *tolerance) {
        result = invalid("timestamp", "timestamp in the future: " + std::to_string(-skew.count()) +
                                          " s ahead, tolerance " +
                                          std::to_string(tolerance->count()) + " s");
        result.skew_seconds = skew.count();
        result.matched_secret = matched;
    }
}

std::string describe_body(std::string_view body) {
    return "<" + std::to_string(body.size()) + "-byte body>";
}

} // namespace hooks::providers
