/*
 * platform/devices/registry.c -- the one list of device classes board files can name.
 */
#include "platform/devices/dev.h"

#include <string.h>

static const DevClass *const dev_classes[] = {
    &uart16550_class,
    &clint_class,
    &plic_class,
    &sifive_test_class,
    &goldfish_rtc_class,
    &htif_class,
    &virtio_mmio_class,
};

const DevClass *dev_class_find(const char *name)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(dev_classes); i++) {
        if (strcmp(dev_classes[i]->name, name) == 0) {
            return dev_classes[i];
        }
    }
    return NULL;
}

const DevClass *const *dev_class_list(unsigned *count)
{
    *count = G_N_ELEMENTS(dev_classes);
    return dev_classes;
}
