/* traffic.c
 * The benchmark's AMF3 traffic model (see traffic.h): classes, name and
 * text pools, and the values of each exchange.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "traffic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- classes --------------------------------------------------------- */

#define MEMBERS(...) (const char *const[]){ __VA_ARGS__ }
#define COUNT(...)   (uint32_t)(sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))
#define CLASS(var, id_, name_, dyn, ...) \
    static const amf3_class var = { name_, MEMBERS(__VA_ARGS__), COUNT(__VA_ARGS__), dyn, id_ }

/* Client requests. */
CLASS(cls_move, 0, "game.events.PlayerMove", false,
      "playerId", "x", "y", "heading", "speed", "clientTime");
CLASS(cls_chat_send, 1, "chat.ChatSend", false, "room", "text", "clientTime");
CLASS(cls_call, 2, "game.rpc.Call", false, "op", "requestId", "args");
CLASS(cls_heartbeat, 3, "game.events.Heartbeat", false, "seq", "clientTime");
/* Server answers. */
CLASS(cls_ack, 4, "game.rpc.Ack", false, "requestId", "ok", "serverTime");
CLASS(cls_state, 5, "game.model.PlayerState", false,
      "playerId", "name", "hp", "mp", "x", "y", "status", "guild");
CLASS(cls_guild, 6, "game.model.Guild", false, "id", "name", "tag");
CLASS(cls_chat, 7, "chat.ChatMessage", false, "room", "from", "text", "sentAt", "badges");
CLASS(cls_result, 8, "game.rpc.Result", false, "requestId", "status", "elapsed", "data");
CLASS(cls_player, 9, "game.model.Player", false,
      "id", "name", "level", "guild", "stats", "items", "lastSeen");
CLASS(cls_item, 10, "game.model.Item", false, "id", "name", "qty", "rarity");
CLASS(cls_board, 11, "game.rpc.LeaderboardPage", false, "board", "generatedAt", "entries", "digest");
CLASS(cls_entry, 12, "game.model.ScoreEntry", false, "rank", "playerId", "name", "score", "guild");
CLASS(cls_asset, 13, "game.rpc.AssetBundle", false, "id", "name", "mime", "data");
/* Anonymous dynamic objects (event envelopes, stats bags). */
static const amf3_class cls_anon = { "", NULL, 0, true, 14 };

/* ---- pools ----------------------------------------------------------- */

static const char *const first_names[] = {
    "Zorak", "Mirelle", "Tavin", "Quorra", "Bexley", "Nyx", "Orin", "Sable", "Jürgen", "Zoë",
    "Ørjan", "Дмитрий", "さくら", "Ilse", "Kaito", "Renata", "Lucan", "Amara", "Theo", "Yusuf",
    "Marisol", "Eun-ji", "Pavel", "Freya", "Cassius", "Noor", "Björn", "Ana", "Élodie", "Wen",
};
static const char *const name_suffixes[] = {
    "", "_x", "99", "TheBold", "_42", "Shadow", "_pro", "7", "Storm", "_jr", "", "", "Fox", "_2009",
};
static const char *const rooms[] = {
    "lobby", "trade", "guild:ironwolves", "guild:moonlit", "help", "lfg", "pvp-arena", "world",
};
static const char *const words[] = {
    "hey", "anyone", "up", "for", "a", "raid", "tonight", "?", "lol", "gg", "wp", "need", "healer",
    "tank", "at", "the", "north", "gate", "selling", "rare", "sword", "cheap", "pm", "me", "brb",
    "ok", "thanks", "!", "boss", "spawns", "in", "5", "min", "where", "is", "quest", "giver",
    "🙂", "🔥", "ça", "va", "über", "gut", "いいね", "спасибо", "on", "my", "way", "join", "team",
};
static const char *const statuses[] = { "online", "away", "in-combat", "trading", "afk", "dead" };
static const char *const ops[] = {
    "inventory.list", "friends.list", "quest.accept", "shop.buy", "guild.members", "match.find",
    "mail.fetch", "profile.get",
};
static const char *const rarities[] = { "common", "uncommon", "rare", "epic", "legendary" };
static const char *const item_names[] = {
    "Iron Sword", "Health Potion", "Mana Potion", "Leather Boots", "Oak Shield", "Fire Scroll",
    "Dragon Scale", "Silver Ring", "Arrow Bundle", "Bread", "Elven Cloak", "Rune of Frost",
    "Wolf Pelt", "Copper Ore", "Map Fragment", "Ancient Coin",
};
static const char *const badges[] = { "vip", "founder", "moderator", "veteran", "streamer" };
static const char *const stat_names[] = { "str", "dex", "int", "luck", "vit" };
static const char *const boards[] = { "weekly", "season-12", "arena-1v1", "arena-3v3" };

typedef struct guild_def {
    int32_t id;
    const char *name, *tag;
} guild_def;

static const guild_def guilds[] = {
    { 1001, "Iron Wolves", "IW" }, { 1002, "Moonlit Order", "MO" }, { 1003, "Crimson Tide", "CT" },
    { 1004, "Nordlicht", "NL" }, { 1005, "黒龍", "KR" }, { 1006, "Les Fous", "LF" },
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(s, a) ((a)[traffic_below((s), (uint32_t)N_OF(a))])

/* Base of every timestamp: 2024-03-01T12:00:00Z, in ms. */
#define EPOCH_MS 1709294400000.0

/* ---- value pieces ---------------------------------------------------- */

/* The same player always has the same name. */
static void write_player_name(amf3_writer *w, uint32_t player)
{
    char name[64];
    const char *first = first_names[player % N_OF(first_names)];
    const char *suffix = name_suffixes[(player / N_OF(first_names)) % N_OF(name_suffixes)];
    int n = snprintf(name, sizeof name, "%s%s", first, suffix);
    amf3w_string(w, name, (size_t)n);
}

static void write_chat_text(uint64_t *s, amf3_writer *w)
{
    char text[256];
    size_t n = 0;
    uint32_t count = 2 + traffic_below(s, 14);
    for (uint32_t i = 0; i < count; i++) {
        const char *word = PICK(s, words);
        size_t len = strlen(word);
        if (n + len + 1 >= sizeof text)
            break;
        if (n)
            text[n++] = ' ';
        memcpy(text + n, word, len);
        n += len;
    }
    amf3w_string(w, text, n);
}

static double clock_ms(uint64_t k, uint64_t *s)
{
    return EPOCH_MS + (double)k * 37.0 + (double)traffic_below(s, 1000);
}

static void write_guild(amf3_writer *w, const guild_def *g)
{
    amf3w_object(w, &cls_guild);
    amf3w_int(w, g->id);
    amf3w_cstring(w, g->name);
    amf3w_cstring(w, g->tag);
}

/* ---- client requests ------------------------------------------------- */

static void write_request(const traffic_exchange *ex, uint64_t *s, amf3_writer *w)
{
    uint32_t kind = traffic_below(s, 100);
    if (kind < 45) {
        amf3w_object(w, &cls_move);
        amf3w_int(w, 10000 + traffic_below(s, 5000));
        amf3w_double(w, (double)traffic_below(s, 400000) / 100.0);
        amf3w_double(w, (double)traffic_below(s, 400000) / 100.0);
        amf3w_int(w, traffic_below(s, 360));
        amf3w_double(w, 1.5 + (double)traffic_below(s, 100) / 20.0);
        amf3w_double(w, clock_ms(ex->k, s));
    } else if (kind < 70) {
        amf3w_object(w, &cls_chat_send);
        amf3w_cstring(w, PICK(s, rooms));
        write_chat_text(s, w);
        amf3w_date(w, clock_ms(ex->k, s));
    } else if (kind < 90) {
        amf3w_object(w, &cls_call);
        amf3w_cstring(w, PICK(s, ops));
        amf3w_int(w, (int64_t)(ex->k & 0xFFFFFF));
        uint32_t n = traffic_below(s, 4);
        amf3w_array(w, n);
        for (uint32_t i = 0; i < n; i++) {
            if (traffic_below(s, 2))
                amf3w_int(w, traffic_below(s, 100000));
            else
                amf3w_cstring(w, PICK(s, item_names));
        }
    } else {
        amf3w_object(w, &cls_heartbeat);
        amf3w_int(w, (int64_t)(ex->k & 0xFFFFFFF));
        amf3w_double(w, clock_ms(ex->k, s));
    }
}

/* ---- small answers --------------------------------------------------- */

static void write_small_answer(const traffic_exchange *ex, uint64_t *s, amf3_writer *w)
{
    uint32_t kind = traffic_below(s, 100);
    if (kind < 27) {
        amf3w_object(w, &cls_ack);
        amf3w_int(w, (int64_t)(ex->k & 0xFFFFFF));
        amf3w_bool(w, traffic_below(s, 50) != 0);
        amf3w_double(w, clock_ms(ex->k, s));
    } else if (kind < 62) {
        uint32_t player = traffic_below(s, 3000);
        amf3w_object(w, &cls_state);
        amf3w_int(w, 10000 + player);
        write_player_name(w, player);
        amf3w_int(w, traffic_below(s, 5000));
        amf3w_int(w, traffic_below(s, 2000));
        amf3w_double(w, (double)traffic_below(s, 400000) / 100.0);
        amf3w_double(w, (double)traffic_below(s, 400000) / 100.0);
        amf3w_cstring(w, PICK(s, statuses));
        if (traffic_below(s, 4))
            write_guild(w, &guilds[player % N_OF(guilds)]);
        else
            amf3w_null(w);
    } else if (kind < 92) {
        uint32_t player = traffic_below(s, 3000);
        amf3w_object(w, &cls_chat);
        amf3w_cstring(w, PICK(s, rooms));
        write_player_name(w, player);
        write_chat_text(s, w);
        amf3w_date(w, clock_ms(ex->k, s));
        uint32_t n = traffic_below(s, 3);
        amf3w_array(w, n);
        for (uint32_t i = 0; i < n; i++)
            amf3w_cstring(w, PICK(s, badges));
    } else {
        /* An untyped event envelope, as ad-hoc server code sends. */
        amf3w_object(w, &cls_anon);
        amf3w_member_name(w, "type");
        amf3w_cstring(w, traffic_below(s, 2) ? "zone.weather" : "server.notice");
        amf3w_member_name(w, "at");
        amf3w_double(w, clock_ms(ex->k, s));
        amf3w_member_name(w, "payload");
        amf3w_object(w, &cls_anon);
        amf3w_member_name(w, "zone");
        amf3w_int(w, traffic_below(s, 64));
        amf3w_member_name(w, "text");
        write_chat_text(s, w);
        amf3w_member_name(w, "sticky");
        amf3w_bool(w, traffic_below(s, 2));
        amf3w_end_dynamic(w);
        amf3w_end_dynamic(w);
    }
}

/* ---- medium answers: RPC results of a few KB -------------------------- */

/* One player with its guild (a reference when the guild was sent earlier
 * in this message), stats bag and inventory. */
static void write_player(uint64_t *s, amf3_writer *w, uint32_t player, int32_t guild_ref[])
{
    amf3w_object(w, &cls_player);
    amf3w_int(w, 10000 + player);
    write_player_name(w, player);
    amf3w_int(w, 1 + traffic_below(s, 80));
    uint32_t g = player % N_OF(guilds);
    if (guild_ref[g] >= 0) {
        amf3w_object_ref(w, (uint32_t)guild_ref[g]);
    } else {
        guild_ref[g] = (int32_t)w->n_objects;
        write_guild(w, &guilds[g]);
    }
    amf3w_object(w, &cls_anon);
    for (uint32_t i = 0; i < N_OF(stat_names); i++) {
        amf3w_member_name(w, stat_names[i]);
        amf3w_int(w, 5 + traffic_below(s, 95));
    }
    amf3w_end_dynamic(w);
    uint32_t n_items = 1 + traffic_below(s, 8);
    amf3w_array(w, n_items);
    for (uint32_t i = 0; i < n_items; i++) {
        amf3w_object(w, &cls_item);
        amf3w_int(w, traffic_below(s, 50000));
        amf3w_cstring(w, PICK(s, item_names));
        amf3w_int(w, 1 + traffic_below(s, 20));
        amf3w_cstring(w, PICK(s, rarities));
    }
    amf3w_date(w, EPOCH_MS - (double)traffic_below(s, 86400000));
}

static void write_medium_answer(const traffic_exchange *ex, uint64_t *s, amf3_writer *w)
{
    int32_t guild_ref[N_OF(guilds)];
    for (size_t i = 0; i < N_OF(guilds); i++)
        guild_ref[i] = -1;
    amf3w_object(w, &cls_result);
    amf3w_int(w, (int64_t)(ex->k & 0xFFFFFF));
    amf3w_cstring(w, "ok");
    amf3w_double(w, (double)traffic_below(s, 50000) / 1000.0);
    uint32_t n = 5 + traffic_below(s, 36);
    amf3w_array(w, n);
    for (uint32_t i = 0; i < n; i++)
        write_player(s, w, traffic_below(s, 3000), guild_ref);
}

/* ---- large answers ---------------------------------------------------- */

/* One leaderboard entry: about 24 bytes once its traits, the player's
 * name and the guild tag are references. */
static void write_score_entry(uint64_t *s, amf3_writer *w, uint32_t rank)
{
    uint32_t player = traffic_below(s, 3000);
    amf3w_object(w, &cls_entry);
    amf3w_int(w, rank);
    amf3w_int(w, 10000 + player);
    write_player_name(w, player);
    amf3w_double(w, (double)traffic_below(s, 100000000));
    amf3w_cstring(w, guilds[player % N_OF(guilds)].tag);
}

/* The page header: board name and generation time. */
static void write_board_head(uint64_t *s, amf3_writer *w, uint64_t k)
{
    amf3w_object(w, &cls_board);
    amf3w_cstring(w, PICK(s, boards));
    amf3w_date(w, clock_ms(k, s));
}

/* A leaderboard page: many small typed objects, then a digest string that
 * pads the message to `size` bytes.  The entry count goes before the
 * entries, so a first pass over a scratch writer (same random numbers, same
 * reference tables, hence the same bytes) finds how many fit. */
static void write_large_records(uint64_t *s, amf3_writer *w, uint32_t size, uint64_t k)
{
    /* Room left for the digest: its marker, a U29 length and a little text. */
    const size_t digest_room = 16;
    amf3_writer dry;
    amf3w_init(&dry);
    amf3w_begin_message(&dry);
    uint64_t ds = *s;
    write_board_head(&ds, &dry, k);
    /* The array header is at most 6 bytes (marker, U29 count, empty
     * associative part): write the entries after a placeholder that long
     * and count what fits. */
    amf3w_raw_u32(&dry, 0);
    amf3w_raw_u16(&dry, 0);
    uint32_t count = 0;
    for (;;) {
        size_t before = dry.len;
        write_score_entry(&ds, &dry, count + 1);
        if (dry.len + digest_room > size) {
            dry.len = before;
            break;
        }
        count++;
    }
    amf3w_free(&dry);

    size_t start = amf3w_message_length(w);
    write_board_head(s, w, k);
    amf3w_array(w, count);
    for (uint32_t i = 0; i < count; i++)
        write_score_entry(s, w, i + 1);
    /* The digest: marker, U29 length (up to 4 bytes), then hex text. */
    size_t used = amf3w_message_length(w) - start;
    size_t pad = size > used + 5 ? size - used - 5 : 0;
    static char *hex;
    static size_t hex_cap;
    if (pad > hex_cap) {
        free(hex);
        hex = malloc(pad);
        hex_cap = pad;
        if (!hex) {
            fprintf(stderr, "traffic: out of memory\n");
            exit(1);
        }
    }
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < pad; i++)
        hex[i] = digits[(i * 7 + (i >> 4)) & 15];
    amf3w_string(w, hex, pad);
}

static void write_large_bytes(uint64_t *s, amf3_writer *w, uint32_t size, uint64_t k)
{
    size_t start = amf3w_message_length(w);
    amf3w_object(w, &cls_asset);
    amf3w_int(w, (int64_t)(k & 0xFFFFFF));
    amf3w_cstring(w, "terrain/zone-12.atlas");
    amf3w_cstring(w, "application/octet-stream");
    size_t used = amf3w_message_length(w) - start + 5;   /* marker + 4-byte U29 */
    uint32_t n = size > used ? (uint32_t)(size - used) : 0;
    /* Compressed-looking bytes, filled 8 at a time. */
    static uint8_t *data;
    static uint32_t cap;
    if (n > cap) {
        free(data);
        data = malloc(n);
        cap = n;
        if (!data) {
            fprintf(stderr, "traffic: out of memory\n");
            exit(1);
        }
    }
    uint64_t r = *s;
    uint32_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v = traffic_rand(&r);
        memcpy(data + i, &v, 8);
    }
    for (; i < n; i++)
        data[i] = (uint8_t)traffic_rand(&r);
    amf3w_bytearray(w, data, n);
}

/* ---- the plan --------------------------------------------------------- */

static uint64_t exchange_seed(uint64_t seed, uint64_t k)
{
    uint64_t s = seed ^ (k * 0xD1B54A32D192ED03ull);
    traffic_rand(&s);
    return s;
}

/* The answer's shape, drawn before its values. */
static void exchange_shape(const traffic_model *m, uint64_t k, traffic_exchange *ex)
{
    memset(ex, 0, sizeof *ex);
    ex->k = k;
    ex->rng = exchange_seed(m->seed, k);
    uint64_t shape = exchange_seed(m->seed ^ 0x5A5A5A5A5A5A5A5Aull, k);
    if (m->n_large && m->large_every && k % m->large_every == m->large_phase &&
        k / m->large_every < m->n_large) {
        ex->large = true;
        ex->n_answer = 1;
        uint32_t lo = TRAFFIC_LARGE_MIN < m->large_cap ? TRAFFIC_LARGE_MIN : m->large_cap;
        ex->large_size = lo + traffic_below(&shape, m->large_cap - lo + 1);
        ex->large_shape = (k / m->large_every) % 2 ? TRAFFIC_LARGE_BYTES : TRAFFIC_LARGE_RECORDS;
        return;
    }
    uint32_t r = traffic_below(&shape, 100);
    ex->n_answer = r < 70 ? 1 : r < 90 ? 2 : 3;
}

void traffic_exchange_get(const traffic_model *m, uint64_t k, traffic_exchange *ex)
{
    exchange_shape(m, k, ex);
}

/* Answer value `which` is medium with TRAFFIC_MEDIUM_PERCENT chance, only
 * as the first value of an answer. */
void traffic_write_value(const traffic_exchange *ex, uint32_t which, amf3_writer *w)
{
    uint64_t s = ex->rng ^ ((uint64_t)which * 0x9E3779B97F4A7C15ull);
    traffic_rand(&s);
    amf3w_begin_message(w);
    if (which == 0) {
        write_request(ex, &s, w);
        return;
    }
    if (ex->large) {
        if (ex->large_shape == TRAFFIC_LARGE_BYTES)
            write_large_bytes(&s, w, ex->large_size, ex->k);
        else
            write_large_records(&s, w, ex->large_size, ex->k);
        return;
    }
    if (which == 1 && traffic_below(&s, 100) < TRAFFIC_MEDIUM_PERCENT)
        write_medium_answer(ex, &s, w);
    else
        write_small_answer(ex, &s, w);
}

void traffic_write_large(uint64_t seed, traffic_large_shape shape, uint32_t size, amf3_writer *w)
{
    uint64_t s = seed;
    traffic_rand(&s);
    amf3w_begin_message(w);
    if (shape == TRAFFIC_LARGE_BYTES)
        write_large_bytes(&s, w, size, 0);
    else
        write_large_records(&s, w, size, 0);
}

/* Calibration: mean AMF bytes of an exchange without large messages. */
#define CALIBRATION_EXCHANGES 4096u

void traffic_plan(traffic_model *m, uint64_t seed, uint64_t planned_bytes)
{
    memset(m, 0, sizeof *m);
    m->seed = seed;
    m->planned_bytes = planned_bytes;
    amf3_writer w;
    amf3w_init(&w);
    uint64_t total = 0;
    for (uint64_t k = 0; k < CALIBRATION_EXCHANGES; k++) {
        traffic_exchange ex;
        exchange_shape(m, k, &ex);
        for (uint32_t v = 0; v <= ex.n_answer; v++) {
            amf3w_clear(&w);
            traffic_write_value(&ex, v, &w);
            total += w.len;
        }
    }
    amf3w_free(&w);
    double mean = (double)total / CALIBRATION_EXCHANGES;
    double small_bytes = (double)planned_bytes * (1.0 - TRAFFIC_LARGE_SHARE);
    m->exchanges_planned = (uint64_t)(small_bytes / mean) + 1;
    m->large_cap = (uint32_t)(planned_bytes / 8 < TRAFFIC_LARGE_MAX ? planned_bytes / 8
                                                                      : TRAFFIC_LARGE_MAX);
    if (m->large_cap < 64 * 1024)
        return;                       /* too small a stream for large messages */
    double mean_large = ((double)(TRAFFIC_LARGE_MIN < m->large_cap ? TRAFFIC_LARGE_MIN : m->large_cap) +
                         m->large_cap) / 2.0;
    double n = (double)planned_bytes * TRAFFIC_LARGE_SHARE / mean_large;
    m->n_large = n < 1.0 ? 1 : (uint32_t)(n + 0.5);
    m->large_every = m->exchanges_planned / m->n_large;
    if (m->large_every == 0)
        m->large_every = 1;
    m->large_phase = m->large_every / 2;
}
