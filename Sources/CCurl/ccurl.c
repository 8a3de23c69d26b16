/* libcurl through dlopen: see include/ccurl.h. */
#include "ccurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

/* The SONAME of Debian's libcurl4 (OpenSSL flavour), whose headers the router is built against. */
#define CCURL_LIBRARY "libcurl.so.4"

/* Every libcurl function the router uses: its name without the "curl_" prefix, return type and parameters. */
#define CCURL_FUNCTIONS(X)                                                                                     \
    X(global_init, CURLcode, (long flags))                                                                     \
    X(easy_init, CURL *, (void))                                                                               \
    X(easy_cleanup, void, (CURL *))                                                                            \
    X(easy_reset, void, (CURL *))                                                                              \
    X(easy_pause, CURLcode, (CURL *, int))                                                                     \
    X(easy_strerror, const char *, (CURLcode))                                                                 \
    X(easy_setopt, CURLcode, (CURL *, CURLoption, ...))                                                        \
    X(easy_getinfo, CURLcode, (CURL *, CURLINFO, ...))                                                         \
    X(multi_init, CURLM *, (void))                                                                             \
    X(multi_cleanup, CURLMcode, (CURLM *))                                                                     \
    X(multi_setopt, CURLMcode, (CURLM *, CURLMoption, ...))                                                    \
    X(multi_add_handle, CURLMcode, (CURLM *, CURL *))                                                          \
    X(multi_remove_handle, CURLMcode, (CURLM *, CURL *))                                                       \
    X(multi_perform, CURLMcode, (CURLM *, int *))                                                              \
    X(multi_poll, CURLMcode, (CURLM *, struct curl_waitfd *, unsigned int, int, int *))                        \
    X(multi_wakeup, CURLMcode, (CURLM *))                                                                      \
    X(multi_info_read, CURLMsg *, (CURLM *, int *))                                                            \
    X(slist_append, struct curl_slist *, (struct curl_slist *, const char *))                                  \
    X(slist_free_all, void, (struct curl_slist *))

/* The resolved functions; written once under `load_once`, read-only afterwards. */
static struct {
#define CCURL_FIELD(name, result, params) result(*name) params;
    CCURL_FUNCTIONS(CCURL_FIELD)
#undef CCURL_FIELD
} api;

static pthread_once_t load_control = PTHREAD_ONCE_INIT;
static int load_status = -1;
static char load_error[512] = "libcurl was not loaded";

static void load_once(void) {
    void *library = dlopen(CCURL_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        snprintf(load_error, sizeof load_error, "%s", dlerror());
        return;
    }
    /* POSIX's idiom for storing dlsym's object pointer in a function pointer. */
#define CCURL_RESOLVE(name, result, params)                                                                    \
    *(void **)(&api.name) = dlsym(library, "curl_" #name);                                                     \
    if (api.name == NULL) {                                                                                    \
        snprintf(load_error, sizeof load_error, "%s has no symbol curl_%s", CCURL_LIBRARY, #name);             \
        return;                                                                                                \
    }
    CCURL_FUNCTIONS(CCURL_RESOLVE)
#undef CCURL_RESOLVE
    CURLcode code = api.global_init(CURL_GLOBAL_DEFAULT);
    if (code != CURLE_OK) {
        snprintf(load_error, sizeof load_error, "curl_global_init failed (%d)", (int)code);
        return;
    }
    load_status = 0;
}

int ccurl_load(char *error, size_t error_size) {
    pthread_once(&load_control, load_once);
    if (load_status != 0 && error != NULL && error_size > 0) snprintf(error, error_size, "%s", load_error);
    return load_status;
}

CURL *ccurl_easy_init(void) { return api.easy_init(); }
void ccurl_easy_cleanup(CURL *easy) { api.easy_cleanup(easy); }
void ccurl_easy_reset(CURL *easy) { api.easy_reset(easy); }
CURLcode ccurl_easy_pause(CURL *easy, int bitmask) { return api.easy_pause(easy, bitmask); }
const char *ccurl_easy_strerror(CURLcode code) { return api.easy_strerror(code); }
CURLM *ccurl_multi_init(void) { return api.multi_init(); }
CURLMcode ccurl_multi_cleanup(CURLM *multi) { return api.multi_cleanup(multi); }
CURLMcode ccurl_multi_add_handle(CURLM *multi, CURL *easy) { return api.multi_add_handle(multi, easy); }
CURLMcode ccurl_multi_remove_handle(CURLM *multi, CURL *easy) { return api.multi_remove_handle(multi, easy); }
CURLMcode ccurl_multi_perform(CURLM *multi, int *running) { return api.multi_perform(multi, running); }
CURLMcode ccurl_multi_poll(CURLM *multi, struct curl_waitfd *extra_fds, unsigned int extra_nfds, int timeout_ms,
                           int *numfds) {
    return api.multi_poll(multi, extra_fds, extra_nfds, timeout_ms, numfds);
}
CURLMcode ccurl_multi_wakeup(CURLM *multi) { return api.multi_wakeup(multi); }
CURLMsg *ccurl_multi_info_read(CURLM *multi, int *queued) { return api.multi_info_read(multi, queued); }
struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *string) {
    return api.slist_append(list, string);
}
void ccurl_slist_free_all(struct curl_slist *list) { api.slist_free_all(list); }

CURLcode ccurl_easy_setopt_long(CURL *easy, CURLoption option, long value) {
    return api.easy_setopt(easy, option, value);
}
CURLcode ccurl_easy_setopt_off_t(CURL *easy, CURLoption option, curl_off_t value) {
    return api.easy_setopt(easy, option, value);
}
CURLcode ccurl_easy_setopt_ptr(CURL *easy, CURLoption option, void *value) {
    return api.easy_setopt(easy, option, value);
}
CURLcode ccurl_easy_setopt_string(CURL *easy, CURLoption option, const char *value) {
    return api.easy_setopt(easy, option, value);
}
CURLcode ccurl_easy_setopt_slist(CURL *easy, CURLoption option, struct curl_slist *value) {
    return api.easy_setopt(easy, option, value);
}
CURLcode ccurl_easy_setopt_func(CURL *easy, CURLoption option, ccurl_data_callback value) {
    return api.easy_setopt(easy, option, value);
}
CURLMcode ccurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return api.multi_setopt(multi, option, value);
}
CURLcode ccurl_easy_getinfo_long(CURL *easy, CURLINFO info, long *value) {
    return api.easy_getinfo(easy, info, value);
}
CURLcode ccurl_easy_getinfo_ptr(CURL *easy, CURLINFO info, void **value) {
    return api.easy_getinfo(easy, info, value);
}
