/*
 * api_cabinet: HTTP endpoints of the cabinet (GPIO lines, the simulation
 * backend's inputs, the brightness and its manual override).
 */
#ifndef TAFEL_API_CABINET_H
#define TAFEL_API_CABINET_H

struct httpd;
struct cabinet;
struct messages;
struct api_cabinet;

/* Route /api/v1/gpio, /api/v1/gpio/sim and /api/v1/brightness on h. */
struct api_cabinet *api_cabinet_new(
    struct httpd *h, struct cabinet *k, struct messages *m);
void api_cabinet_free(struct api_cabinet *a);

#endif
