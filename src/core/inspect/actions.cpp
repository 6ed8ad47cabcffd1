// SPDX-License-Identifier: MIT
// The inspector's verdicts and actions: verification of a delivery (explained), an edited copy
// checked and re-signed, and replay to the configured destination. Secrets are used here and
// never leave: answers carry verdicts, reasons and headers with credentials masked.
#include "core/events/delivery_id.hpp"
#include "core/inspect/answers.hpp"
#include "core/inspect/arrival.hpp"
#include "core/inspect/inspector.hpp"
#include "core/providers/explain.hpp"
#include "core/replay/request.hpp"
#include "core/text/text.hpp"

#include <fnmatch.h>
#include <nlohmann/json.hpp>

namespace hooks::inspect {
namespace {

using nlohmann::json;

using providers::k_secret_not_printed;

http::Response json_answer(int status, const json& value) {
    return json_response(status, value.dump(-1, ' ', false, json::error_handler_t::replace));
}

/// An edited copy of a delivery, as the page sends it.
struct Edit {
    std::optional<std::vector<message::Header>> headers;
    std::optional<std::string> body;
    bool should_resign = false;
    bool is_edited() const { return headers || body || should_resign; }
};

Result<Edit> parse_edit(std::string_view text) {
    Edit edit;
    if (text::trim_blanks(text).empty()) {
        return edit;
    }
    json value = json::parse(text, nullptr, false);
    if (value.is_discarded() || !value.is_object()) {
        return fail(ErrorKind::input, "the request body must be a JSON object");
    }
    if (auto headers = value.find("headers"); headers != value.end() && !headers->is_null()) {
        if (!headers->is_array()) {
            return fail(ErrorKind::input, "headers: expected [[name, value], ...]");
        }
        edit.headers.emplace();
        for (const json& pair : *headers) {
            if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() ||
                !pair[1].is_string()) {
                return fail(ErrorKind::input, "headers: expected [[name, value], ...]");
            }
            message::Header header{pair[0].get<std::string>(), pair[1].get<std::string>()};
            if (auto valid = message::validate_header(header.name, header.value); !valid) {
                return tl::unexpected(valid.error());
            }
            edit.headers->push_back(std::move(header));
        }
    }
    if (auto body = value.find("body_text"); body != value.end() && !body->is_null()) {
        if (!body->is_string()) {
            return fail(ErrorKind::input, "body_text: expected a string");
        }
        edit.body = body->get<std::string>();
    }
    if (auto resign = value.find("resign"); resign != value.end() && !resign->is_null()) {
        if (!resign->is_boolean()) {
            return fail(ErrorKind::input, "resign: expected true or false");
        }
        edit.should_resign = resign->get<bool>();
    }
    return edit;
}

/// The recorded message with the page's edits. A masked credential the page sends back is
/// the recorded value again (the page never had it).
message::Message edited_message(const log::Record& record, const Edit& edit) {
    message::Message edited = record.message;
    if (edit.headers) {
        edited.headers = *edit.headers;
        for (message::Header& header : edited.headers) {
            if (header.value == k_secret_not_printed) {
                header.value = std::string(record.message.first_header(header.name).value_or(""));
            }
        }
    }
    if (edit.body) {
        edited.body = *edit.body;
    }
    for (message::Header& header : edited.headers) {
        if (message::names_equal(header.name, "Content-Length")) {
            header.value = std::to_string(edited.body.size());
        }
    }
    return edited;
}

json headers_array(const std::vector<message::Header>& headers, const providers::Scheme* scheme) {
    bool is_secret = scheme != nullptr && scheme->info().sends_secret_itself;
    json list = json::array();
    for (const message::Header& header : headers) {
        bool masks =
            is_secret && message::names_equal(header.name, scheme->info().signature_header);
        list.push_back({header.name, masks ? std::string(k_secret_not_printed) : header.value});
    }
    return list;
}

} // namespace

const providers::Scheme* Inspector::scheme_for(const Entry& entry) const {
    if (m_config.scheme != nullptr) {
        return m_config.scheme;
    }
    if (entry.provider.empty() || m_config.registry == nullptr) {
        return nullptr;
    }
    auto found = m_config.registry->find(entry.provider);
    return found ? *found : nullptr;
}

const http::Url* Inspector::destination_for(const Entry& entry) const {
    if (entry.event_type) {
        for (const ReplayRoute& route : m_config.routes) {
            if (fnmatch(route.pattern.c_str(), entry.event_type->c_str(), 0) == 0) {
                return &route.url;
            }
        }
    }
    return m_config.replay_to ? &*m_config.replay_to : nullptr;
}

Entry Inspector::shown_entry(const Entry& entry) const {
    Entry shown = entry;
    const providers::Scheme* scheme = scheme_for(entry);
    if (scheme != nullptr && scheme->info().sends_secret_itself) {
        for (message::Header& header : shown.record.message.headers) {
            if (message::names_equal(header.name, scheme->info().signature_header)) {
                header.value = std::string(k_secret_not_printed);
            }
        }
    }
    return shown;
}

std::optional<Verification> Inspector::verify_entry(const Entry& entry) const {
    const providers::Scheme* scheme = scheme_for(entry);
    if (m_config.secrets.empty() || scheme == nullptr) {
        if (!entry.record.verify) {
            return std::nullopt;
        }
        Verification recorded;
        recorded.provider = entry.record.verify->provider;
        recorded.is_valid = entry.record.verify->ok;
        recorded.reason = entry.record.verify->reason;
        recorded.is_recorded = true;
        return recorded;
    }
    message::Message merged;
    const message::Message& message = message::with_trailers(entry.record.message, merged);
    providers::VerifyInput input =
        input_as_arrived(message, entry.record, m_config.secrets, m_config.tolerance);
    Verification verification;
    verification.provider = scheme->info().name;
    verification.header = scheme->info().signature_header;
    auto tolerance = m_config.tolerance ? m_config.tolerance : scheme->info().tolerance;
    if (tolerance && tolerance->count() > 0) {
        verification.tolerance_seconds = tolerance->count();
    }
    auto verified = scheme->verify(input);
    if (!verified) {
        verification.reason = verified.error().message;
        return verification;
    }
    verification.is_valid = verified->is_valid;
    verification.reason = verified->reason;
    verification.check = verified->check;
    verification.matched_secret = verified->matched_secret;
    verification.skew_seconds = verified->skew_seconds;
    verification.has_replay_protection = verified->has_replay_protection;
    providers::Explanation explanation = providers::explain(*scheme, input, *verified);
    verification.signed_content = std::move(explanation.signed_content);
    verification.body_shape = std::move(explanation.body_shape);
    verification.findings = std::move(explanation.findings);
    return verification;
}

namespace {

/// The verdict on `message` now, as {ok, reason, provider}; null without a scheme or secrets.
json verdict_on(const providers::Scheme* scheme, std::span<const providers::Secret> secrets,
                const message::Message& message, const time::Clock& clock,
                const std::optional<std::chrono::seconds>& tolerance) {
    if (scheme == nullptr || secrets.empty()) {
        return nullptr;
    }
    providers::VerifyInput input(message, secrets);
    input.now = time::unix_millis(clock);
    input.tolerance = tolerance;
    input.url = received_url(message);
    auto verified = scheme->verify(input);
    return {{"ok", verified && verified->is_valid},
            {"reason", verified ? verified->reason : verified.error().message},
            {"provider", scheme->info().name}};
}

} // namespace

http::Response Inspector::check(const Entry& entry, std::string_view body) const {
    auto edit = parse_edit(body);
    if (!edit) {
        return (json_answer(400, {{"error", edit.error().message}}));
    }
    const providers::Scheme* scheme = scheme_for(entry);
    message::Message message = edited_message(entry.record, *edit);
    json answer = {{"before", verdict_on(scheme, m_config.secrets, message, *m_config.clock,
                                         m_config.tolerance)},
                   {"after", nullptr}};
    if (edit->should_resign) {
        if (auto refusal = resign(entry, message, received_url(message)); refusal) {
            return (json_answer(409, {{"error", *refusal}}));
        }
        answer["after"] =
            verdict_on(scheme, m_config.secrets, message, *m_config.clock, m_config.tolerance);
    }
    answer["headers"] = headers_array(message.headers, scheme);
    return (json_answer(200, answer));
}

std::optional<std::string> Inspector::resign(const Entry& entry, message::Message& message,
                                             const std::string& url) const {
    const providers::Scheme* scheme = scheme_for(entry);
    if (scheme == nullptr) {
        return "cannot re-sign: the provider of this delivery is not known (start with "
               "--provider NAME)";
    }
    if (m_config.secrets.empty() || !scheme->info().can_sign) {
        return "cannot re-sign: no secret to sign with (start with --secret)";
    }
    std::string id =
        entry.record.id ? *entry.record.id : events::fresh_delivery_id(scheme->info().name);
    // The first secret signs (the current one, when several model a rotation): schemes
    // with one signature refuse several.
    auto signed_ok = replay::sign_again(
        message, *scheme, std::span<const providers::Secret>(m_config.secrets).first(1), id,
        time::unix_millis(*m_config.clock), url);
    if (!signed_ok) {
        return "cannot re-sign: " + signed_ok.error().message;
    }
    return std::nullopt;
}

http::Response Inspector::replay(const Entry& entry, std::string_view body) const {
    const http::Url* destination = destination_for(entry);
    if (destination == nullptr) {
        return (
            json_answer(409, {{"error", m_config.mode == "listen"
                                            ? "no destination: start listen with --forward-to URL"
                                            : "no destination: start inspect with --to URL"}}));
    }
    auto edit = parse_edit(body);
    if (!edit) {
        return (json_answer(400, {{"error", edit.error().message}}));
    }
    const providers::Scheme* scheme = scheme_for(entry);
    log::Record edited = entry.record;
    edited.message = edited_message(entry.record, *edit);
    message::Message request = replay::captured_request(edited, *destination);
    std::string url = destination->scheme + "://" + destination->authority() + request.target;
    json answer = {
        {"url", destination->origin() + request.target}, {"before", nullptr}, {"after", nullptr}};
    if (edit->is_edited()) {
        answer["before"] =
            verdict_on(scheme, m_config.secrets, request, *m_config.clock, m_config.tolerance);
    }
    if (edit->should_resign) {
        if (auto refusal = resign(entry, request, url); refusal) {
            return (json_answer(409, {{"error", *refusal}}));
        }
        answer["after"] =
            verdict_on(scheme, m_config.secrets, request, *m_config.clock, m_config.tolerance);
    }
    auto connection = m_config.transport->connect(*destination, m_config.replay_options);
    if (!connection) {
        answer["status"] = nullptr;
        answer["error"] = connection.error().message;
        return (json_answer(200, answer));
    }
    auto sent = (*connection)->send(request);
    answer["status"] = sent ? json(sent->status) : json(nullptr);
    answer["error"] = sent ? std::string() : sent.error().message;
    answer["latency_ms"] =
        sent ? std::chrono::duration_cast<std::chrono::milliseconds>(sent->latency).count() : 0;
    return (json_answer(200, answer));
}

} // namespace hooks::inspect
