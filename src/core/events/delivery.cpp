// SPDX-License-Identifier: MIT
#include "core/events/delivery.hpp"

#include "core/events/envelope_shape.hpp"
#include "core/text/json_scanner.hpp"
#include "core/text/text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <nlohmann/json.hpp>

namespace hooks::events {
namespace {

using Json = nlohmann::json;

// Bodies nesting deeper are not parsed: no provider documents anything close, and whatever
// walks the parsed value afterwards then has a bound.
constexpr std::size_t k_max_depth = 512;

/// Where a fact is read: "header:NAME", "body:/json/pointer" or "form:FIELD"; the first source
/// with a value wins.
using Sources = std::array<std::string_view, 6>;

/// Provider quirks that a list of sources cannot express.
enum class Refinement {
    none,
    github_action,
    discord_interaction,
    resource_action,
    twitch_message_type
};

struct DeliveryRule {
    std::string_view provider;
    Sources id;
    Sources event;
    Refinement refinement = Refinement::none;
};

const std::array k_delivery_rules{
    // Standard Webhooks: webhook-id is the message id, kept across retries; the spec's payload
    // is {type, timestamp, data}. Svix is the same under svix-* names.
    DeliveryRule{"standard", {"header:webhook-id"}, {"body:/type"}},
    DeliveryRule{"svix", {"header:svix-id"}, {"body:/type"}},
    // Stripe posts the Event object itself: {"id": "evt_...", "type": "invoice.paid", ...}.
    DeliveryRule{"stripe", {"body:/id"}, {"body:/type"}},
    // GitHub names the event in a header and the action ("opened") in the body.
    DeliveryRule{"github",
                 {"header:X-GitHub-Delivery"},
                 {"header:X-GitHub-Event"},
                 Refinement::github_action},
    DeliveryRule{"github-sha1",
                 {"header:X-GitHub-Delivery"},
                 {"header:X-GitHub-Event"},
                 Refinement::github_action},
    // Slack Events API: an event_callback wraps the event whose type matters;
    // url_verification and app_rate_limited carry only the outer type.
    DeliveryRule{"slack", {"body:/event_id"}, {"body:/event/type", "body:/type"}},
    DeliveryRule{"shopify", {"header:X-Shopify-Webhook-Id"}, {"header:X-Shopify-Topic"}},
    // Paddle Billing: notification_id (ntf_) names this notification to this destination and is
    // kept across retries; event_id (evt_) is shared by every destination of the event.
    DeliveryRule{"paddle", {"body:/notification_id", "body:/event_id"}, {"body:/event_type"}},
    // Twilio keeps I-Twilio-Idempotency-Token across retries; only some products (TaskRouter,
    // Conversations, Sync) name an event, in the EventType form field.
    DeliveryRule{"twilio", {"header:I-Twilio-Idempotency-Token"}, {"form:EventType"}},
    // Square: event_id is "the generated idempotency value" (docs /webhooks); type names the
    // event (payment.created).
    DeliveryRule{"square", {"body:/event_id"}, {"body:/type"}},
    // Zoom documents no delivery id; the event ($object.$action) is the body's "event".
    DeliveryRule{"zoom", {}, {"body:/event"}},
    // Linear: Linear-Delivery is the delivery's UUID, Linear-Event the resource type ("Issue");
    // the body's action ("create") follows as with GitHub: "Issue.create".
    DeliveryRule{"linear",
                 {"header:Linear-Delivery"},
                 {"header:Linear-Event", "body:/type"},
                 Refinement::github_action},
    // Twitch EventSub: the message id header (added by signing) is kept on re-sends; the
    // subscription type names notifications, the message type the other messages.
    DeliveryRule{"twitch",
                 {"header:Twitch-Eventsub-Message-Id"},
                 {"header:Twitch-Eventsub-Subscription-Type", "body:/subscription/type"},
                 Refinement::twitch_message_type},
    // Intercom: a notification_event's id ("notif_...") and its topic.
    DeliveryRule{"intercom", {"body:/id"}, {"body:/topic"}},
    // Mailgun: the event's id and name inside event-data (signature.token is a nonce, not an
    // id).
    DeliveryRule{"mailgun", {"body:/event-data/id"}, {"body:/event-data/event"}},
    // SendGrid and HubSpot post arrays of events: the first one's id and type stand for the batch.
    DeliveryRule{"sendgrid", {"body:/0/sg_event_id"}, {"body:/0/event"}},
    DeliveryRule{"hubspot-v1", {"body:/0/eventId"}, {"body:/0/subscriptionType"}},
    DeliveryRule{"hubspot-v2", {"body:/0/eventId"}, {"body:/0/subscriptionType"}},
    DeliveryRule{"hubspot-v3", {"body:/0/eventId"}, {"body:/0/subscriptionType"}},
    // Typeform: event_id and event_type (form_response, form_response_partial).
    DeliveryRule{"typeform", {"body:/event_id"}, {"body:/event_type"}},
    // Discord interactions have an id and a numeric type; webhook events have event.type.
    DeliveryRule{"discord", {"body:/id"}, {"body:/event/type"}, Refinement::discord_interaction},
    // GitLab keeps Idempotency-Key across retries of a delivery (X-Gitlab-Webhook-UUID is new on
    // every request); object_kind names the event as the catalog does, X-Gitlab-Event ("Push
    // Hook") stands in when a custom template replaced the body.
    DeliveryRule{
        "gitlab", {"header:Idempotency-Key"}, {"body:/object_kind", "header:X-Gitlab-Event"}},
    // Bitbucket Cloud names the delivery X-Request-UUID, Data Center X-Request-Id.
    DeliveryRule{
        "bitbucket", {"header:X-Request-UUID", "header:X-Request-Id"}, {"header:X-Event-Key"}},
    // Coinbase Commerce wraps the event ({id, type, data}) in a delivery whose own id is a small
    // integer in its SDK's fixture; the event's UUID is what a receiver deduplicates on.
    DeliveryRule{"coinbase-commerce", {"body:/event/id", "body:/id"}, {"body:/event/type"}},
    // Razorpay: "You can identify the duplicate webhooks using the x-razorpay-event-id header".
    DeliveryRule{"razorpay", {"header:X-Razorpay-Event-Id"}, {"body:/event"}},
    // Calendly and Postmark document no delivery id (Postmark's MessageID names the email, shared
    // by its Delivery, Open and Click events); Dropbox names neither an id nor an event: its
    // notifications only list the accounts whose files changed.
    DeliveryRule{"calendly", {}, {"body:/event"}},
    DeliveryRule{"dropbox", {}, {}},
    // Mux: the body's id; "duplicate webhook messages may be sent", de-duplicate on it.
    DeliveryRule{"mux", {"body:/id"}, {"body:/type"}},
    // PagerDuty v3: X-Webhook-Id stays the same on every retry; event.id names the event.
    DeliveryRule{
        "pagerduty", {"header:X-Webhook-Id", "body:/event/id"}, {"body:/event/event_type"}},
    // Vercel: "id: The ID of the webhook delivery".
    DeliveryRule{"vercel", {"body:/id"}, {"body:/type"}},
    // Segment posts the spec event itself: messageId and the call type (track, identify, ...).
    DeliveryRule{"segment", {"body:/messageId"}, {"body:/type"}},
    // Sentry names the resource in a header and the action in the body: issue.created.
    DeliveryRule{"sentry",
                 {"header:Request-ID"},
                 {"header:Sentry-Hook-Resource"},
                 Refinement::resource_action},
    DeliveryRule{"postmark", {}, {"body:/RecordType"}},
    // The seed platforms document no delivery id: CodeNx's tenant_id and user_id, Fluxbase's
    // webhook_id (the configuration's UUID) and Centrali's recordId name other things.
    // CognexiaAI tells receivers to deduplicate by "event ID" without naming the field; "id",
    // the usual name, is read when present.
    DeliveryRule{"codenx", {}, {"body:/event"}},
    DeliveryRule{"codex", {}, {"body:/event"}},
    DeliveryRule{"cognexia", {"body:/id"}, {"body:/type"}},
    DeliveryRule{"fluxbase", {}, {"body:/event"}},
    DeliveryRule{"centrali", {}, {"body:/event"}},
};

// For a provider nobody named: the well-known per-delivery id headers, then a body id.
const DeliveryRule k_generic_rule{"",
                                  {"header:webhook-id", "header:svix-id",
                                   "header:X-GitHub-Delivery", "header:X-Shopify-Webhook-Id",
                                   "header:I-Twilio-Idempotency-Token", "body:/id"},
                                  {"header:X-GitHub-Event", "header:X-Shopify-Topic", "body:/type",
                                   "body:/event", "body:/event_type"}};

/// The parsed body, or why there is none.
struct ParsedJson {
    Json value;
    std::string problem; ///< empty when parsed
    bool is_too_deep = false;
};

bool fits_double(std::string_view number) {
    double value = 0;
    auto result = std::from_chars(number.data(), number.data() + number.size(), value);
    return result.ec != std::errc::result_out_of_range;
}

std::string describe_scan_error(const text::JsonScanError& error) {
    if (error.is_too_deep) {
        return "nested deeper than " + std::to_string(k_max_depth) + " levels";
    }
    if (error.reason == "empty text") {
        return "empty body";
    }
    return std::string(error.reason) + " at byte " + std::to_string(error.offset);
}

// nlohmann::json rejects numbers beyond a double's range (its error 406), which RFC 8259
// allows; nothing here needs their value, so they are parsed as 0.
ParsedJson parse_json(std::string_view body) {
    ParsedJson parsed;
    if (!text::is_valid_utf8(body)) {
        parsed.problem = "invalid UTF-8";
        return parsed;
    }
    std::string adjusted;
    std::size_t copied = 0;
    text::JsonScanner scanner(body, k_max_depth);
    while (auto token = scanner.next()) {
        if (token->kind == text::JsonTokenKind::number && !fits_double(token->text)) {
            auto at = static_cast<std::size_t>(token->text.data() - body.data());
            adjusted.append(body.substr(copied, at - copied)).append("0");
            copied = at + token->text.size();
        }
    }
    if (const auto& error = scanner.error()) {
        parsed.problem = describe_scan_error(*error);
        parsed.is_too_deep = error->is_too_deep;
        return parsed;
    }
    if (copied > 0) {
        adjusted.append(body.substr(copied));
        body = adjusted;
    }
    parsed.value = Json::parse(body.begin(), body.end(), nullptr, false);
    if (parsed.value.is_discarded()) {
        parsed.problem = "rejected by the JSON parser";
    }
    return parsed;
}

/// The value at a JSON Pointer made of plain names and array indexes (no ~0/~1 escapes).
const Json* find(const Json& root, std::string_view pointer) {
    const Json* current = &root;
    while (!pointer.empty()) {
        pointer.remove_prefix(1);
        std::string_view name = pointer.substr(0, pointer.find('/'));
        pointer.remove_prefix(name.size());
        if (current->is_object()) {
            auto found = current->find(std::string(name));
            if (found == current->end()) {
                return nullptr;
            }
            current = &*found;
        } else if (current->is_array()) {
            std::size_t index = 0;
            const char* end = name.data() + name.size();
            auto result = std::from_chars(name.data(), end, index);
            if (result.ec != std::errc() || result.ptr != end || index >= current->size()) {
                return nullptr;
            }
            current = &(*current)[index];
        } else {
            return nullptr;
        }
    }
    return current;
}

/// The text of a JSON string token (quotes included), unescaped.
std::optional<std::string> string_value(std::string_view token) {
    std::string_view inner = token.substr(1, token.size() - 2);
    if (inner.find('\\') == std::string_view::npos) {
        return std::string(inner);
    }
    Json parsed = Json::parse(token.begin(), token.end(), nullptr, false);
    if (!parsed.is_string()) {
        return std::nullopt;
    }
    return parsed.get<std::string>();
}

/// The scalar at a JSON Pointer of plain names and array indexes (no ~0/~1 escapes), found in
/// one scan without building a DOM: this runs for every delivery `listen` receives. Nothing
/// when the text is not well-formed JSON. With duplicate names the first one wins.
std::optional<text::JsonToken> scalar_at(std::string_view json, std::string_view pointer) {
    std::vector<std::string_view> wanted;
    for (std::string_view rest = pointer; !rest.empty();) {
        rest.remove_prefix(1);
        wanted.push_back(rest.substr(0, rest.find('/')));
        rest.remove_prefix(wanted.back().size());
    }
    struct Frame {
        bool is_object = false;
        std::size_t index = 0;
        /// The current key token, quotes included; it is unescaped only when compared.
        std::string_view key;
        bool matches(std::string_view name) const {
            if (!is_object) {
                std::array<char, 24> digits{};
                auto end = std::to_chars(digits.data(), digits.data() + digits.size(), index).ptr;
                return name == std::string_view(digits.data(), end);
            }
            if (key.empty()) {
                return false;
            }
            std::string_view inner = key.substr(1, key.size() - 2);
            if (inner.find('\\') == std::string_view::npos) {
                return inner == name;
            }
            return string_value(key) == name;
        }
    };
    std::vector<Frame> frames;
    auto is_wanted_path = [&] {
        if (frames.size() != wanted.size()) {
            return false;
        }
        for (std::size_t i = 0; i < frames.size(); ++i) {
            if (!frames[i].matches(wanted[i])) {
                return false;
            }
        }
        return true;
    };
    std::optional<text::JsonToken> found;
    text::JsonScanner scanner(json, k_max_depth);
    while (auto token = scanner.next()) {
        using Kind = text::JsonTokenKind;
        switch (token->kind) {
        case Kind::begin_object:
        case Kind::begin_array:
            frames.push_back({token->kind == Kind::begin_object, 0, {}});
            break;
        case Kind::end_object:
        case Kind::end_array:
            frames.pop_back();
            break;
        case Kind::comma:
            frames.back().index += frames.back().is_object ? 0U : 1U;
            break;
        case Kind::colon:
            break;
        default:
            if (token->is_key) {
                frames.back().key = token->text;
            } else if (!found && is_wanted_path()) {
                found = token;
            }
        }
    }
    return scanner.error() ? std::nullopt : found;
}

/// The request body, checked for UTF-8 once; values are looked up by JSON Pointer.
class Body {
  public:
    explicit Body(std::string_view raw) : m_raw(raw) {}

    std::optional<text::JsonToken> at(std::string_view pointer) {
        if (!m_is_utf8) {
            m_is_utf8 = text::is_valid_utf8(m_raw);
        }
        return *m_is_utf8 ? scalar_at(m_raw, pointer) : std::nullopt;
    }

    std::optional<std::string> form_field(std::string_view name) const {
        std::string_view rest = m_raw;
        while (!rest.empty()) {
            std::string_view pair = rest.substr(0, rest.find('&'));
            rest.remove_prefix(std::min(rest.size(), pair.size() + 1));
            std::size_t equals = pair.find('=');
            if (text::decode_form_component(pair.substr(0, equals)) == name &&
                equals != std::string_view::npos) {
                return text::decode_form_component(pair.substr(equals + 1));
            }
        }
        return std::nullopt;
    }

  private:
    std::string_view m_raw;
    std::optional<bool> m_is_utf8;
};

std::optional<std::string> non_blank(std::optional<std::string> value) {
    if (!value || text::trim_blanks(*value).empty()) {
        return std::nullopt;
    }
    return value;
}

bool is_integer_text(std::string_view number) {
    return number.find_first_of(".eE") == std::string_view::npos;
}

/// A string value, or for ids also an integer's digits (some providers number their ids).
std::optional<std::string> scalar_text(const std::optional<text::JsonToken>& value,
                                       bool allows_integers) {
    if (value && value->kind == text::JsonTokenKind::string) {
        return non_blank(string_value(value->text));
    }
    if (value && allows_integers && value->kind == text::JsonTokenKind::number &&
        is_integer_text(value->text)) {
        return std::string(value->text);
    }
    return std::nullopt;
}

std::optional<std::string> read_source(std::string_view source, const message::Message& message,
                                       Body& body, bool allows_integers) {
    std::size_t colon = source.find(':');
    std::string_view kind = source.substr(0, colon);
    std::string_view name = source.substr(colon + 1);
    if (kind == "header") {
        auto value = message.first_header(name);
        return value ? non_blank(std::string(text::trim_blanks(*value))) : std::nullopt;
    }
    if (kind == "body") {
        return scalar_text(body.at(name), allows_integers);
    }
    return non_blank(body.form_field(name));
}

std::optional<std::string> read_first(const Sources& sources, const message::Message& message,
                                      Body& body, bool allows_integers) {
    for (std::string_view source : sources) {
        if (source.empty()) {
            break;
        }
        if (auto value = read_source(source, message, body, allows_integers)) {
            return value;
        }
    }
    return std::nullopt;
}

// Discord's documented interaction types; a webhook-event PING has type 0 and no id.
std::optional<std::string> discord_type(Body& body) {
    auto type = body.at("/type");
    std::uint64_t number = 0;
    if (!type || type->kind != text::JsonTokenKind::number ||
        std::from_chars(type->text.data(), type->text.data() + type->text.size(), number).ptr !=
            type->text.data() + type->text.size()) {
        return std::nullopt;
    }
    constexpr std::array<std::string_view, 6> k_names{"",
                                                      "PING",
                                                      "APPLICATION_COMMAND",
                                                      "MESSAGE_COMPONENT",
                                                      "APPLICATION_COMMAND_AUTOCOMPLETE",
                                                      "MODAL_SUBMIT"};
    if (number == 0 && !body.at("/id")) {
        return "PING";
    }
    if (number == 0 || number >= k_names.size()) {
        return std::nullopt;
    }
    return std::string(k_names[number]);
}

// GitHub events whose payload has no top-level action (GitHub's webhook events reference):
// their bodies, a push's above all, need not be scanned for one.
bool has_no_github_action(std::string_view event) {
    constexpr std::array<std::string_view, 9> k_events{
        "create", "delete", "fork", "gollum", "page_build", "ping", "public", "push", "status"};
    return std::find(k_events.begin(), k_events.end(), event) != k_events.end();
}

/// `event` + "." + the body's top-level action ("pull_request.opened", "issue.created"), or
/// `event` alone when there is no action.
std::string with_action(const std::string& event, Body& body) {
    auto action = body.at("/action");
    if (action && action->kind == text::JsonTokenKind::string) {
        if (auto name = string_value(action->text); name && !name->empty()) {
            return event + "." + *name;
        }
    }
    return event;
}

std::optional<std::string> refine(Refinement refinement, std::optional<std::string> event,
                                  const message::Message& message, Body& body) {
    if (refinement == Refinement::twitch_message_type) {
        // webhook_callback_verification and revocation carry the subscription's type too, but
        // what they are is the message type; notifications are named by the subscription.
        auto type = message.first_header("Twitch-Eventsub-Message-Type");
        std::string_view trimmed = type ? text::trim_blanks(*type) : std::string_view();
        if (!trimmed.empty() && trimmed != "notification") {
            return std::string(trimmed);
        }
    }
    if (refinement == Refinement::github_action && event && !has_no_github_action(*event)) {
        return with_action(*event, body);
    }
    // Sentry: "issue" in Sentry-Hook-Resource and "created" in the body are issue.created.
    if (refinement == Refinement::resource_action && event) {
        return with_action(*event, body);
    }
    if (refinement == Refinement::discord_interaction && !event) {
        return discord_type(body);
    }
    return event;
}

JsonTypes type_of(const Json& value) {
    switch (value.type()) {
    case Json::value_t::string:
        return k_string;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
        return k_number;
    case Json::value_t::boolean:
        return k_boolean;
    case Json::value_t::object:
        return k_object;
    case Json::value_t::array:
        return k_array;
    default:
        return k_null;
    }
}

/// "a string", "an object or null"
std::string describe_types(JsonTypes types) {
    constexpr std::array<std::pair<JsonTypes, std::string_view>, 6> k_names{{
        {k_string, "a string"},
        {k_number, "a number"},
        {k_boolean, "a boolean"},
        {k_object, "an object"},
        {k_array, "an array"},
        {k_null, "null"},
    }};
    std::string out;
    for (const auto& [type, name] : k_names) {
        if ((types & type) != 0) {
            out.append(out.empty() ? "" : " or ").append(name);
        }
    }
    return out;
}

bool list_contains(std::string_view list, std::string_view value) {
    while (!list.empty()) {
        std::string_view item = list.substr(0, list.find(", "));
        if (item == value) {
            return true;
        }
        list.remove_prefix(std::min(list.size(), item.size() + 2));
    }
    return false;
}

/// The problem with one field, or nothing.
std::optional<std::string> check_field(const FieldShape& field, const Json& root) {
    if (!field.pointer.empty()) {
        const Json* parent = find(root, field.pointer.substr(0, field.pointer.rfind('/')));
        if (parent == nullptr || !parent->is_object()) {
            return std::nullopt;
        }
    }
    std::string where = field.pointer.empty() ? "body" : std::string(field.pointer);
    const Json* value = find(root, field.pointer);
    if (value == nullptr) {
        return field.is_required ? std::optional(where + ": missing") : std::nullopt;
    }
    if ((type_of(*value) & field.types) == 0) {
        return where + ": expected " + describe_types(field.types) + ", got " +
               describe_types(type_of(*value));
    }
    if (!field.one_of.empty() && value->is_string() &&
        !list_contains(field.one_of, value->get_ref<const std::string&>())) {
        return where + ": \"" + text::printable(value->get_ref<const std::string&>()) +
               "\" is not one of " + std::string(field.one_of);
    }
    return std::nullopt;
}

} // namespace

DeliveryFacts describe_delivery(std::string_view provider, const message::Message& message) {
    const DeliveryRule* rule = nullptr;
    if (provider.empty() || provider == "unknown") {
        rule = &k_generic_rule;
    }
    for (const DeliveryRule& candidate : k_delivery_rules) {
        if (candidate.provider == provider) {
            rule = &candidate;
        }
    }
    if (rule == nullptr) {
        return {};
    }
    Body body(message.body);
    DeliveryFacts facts;
    facts.id = read_first(rule->id, message, body, true);
    facts.event_type =
        refine(rule->refinement, read_first(rule->event, message, body, false), message, body);
    return facts;
}

std::vector<std::string> check_envelope(std::string_view provider, std::string_view body) {
    const EnvelopeShape* shape = find_envelope_shape(provider);
    if (shape == nullptr) {
        return {};
    }
    ParsedJson parsed = parse_json(body);
    if (parsed.is_too_deep) {
        return {"body: " + parsed.problem + ", not checked"};
    }
    if (!parsed.problem.empty()) {
        return {"body: not JSON (" + parsed.problem + ")"};
    }
    const Json* event = find(parsed.value, shape->event_pointer);
    std::string_view event_name = event != nullptr && event->is_string()
                                      ? std::string_view(event->get_ref<const std::string&>())
                                      : std::string_view();
    std::vector<std::string> problems;
    for (const FieldShape& field : shape->fields) {
        if (!field.for_events.empty() && !list_contains(field.for_events, event_name)) {
            continue;
        }
        if (auto problem = check_field(field, parsed.value)) {
            problems.push_back(std::move(*problem));
        }
    }
    return problems;
}

} // namespace hooks::events
