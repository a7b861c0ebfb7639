// SPDX-License-Identifier: GPL-2.0
/*
 * The PS/2 controller (i8042), just enough for Linux's probe to pass
 * quickly and for the guest to reset the machine: a keyboard that answers
 * commands but never has keys, and no AUX (mouse) port.  The AUX loop
 * test fails at once (no AUX data bit) and the AUX interface test reports
 * a stuck clock, which is how Linux decides there is no mouse port
 * without waiting for a timeout.
 *
 * Also here: port 0x61 (NMI status and control: the speaker gate, the
 * refresh toggle some delay loops watch) and port 0x92 (fast reset).
 *
 * A reset request (command 0xfe, output port bit 0 cleared, port 0x92
 * bit 0) ends the VM with status 0: lkvm's guests reboot to exit.
 */
#include <string.h>

#include <linux/kernel.h>
#include <lockdep/mutex.h>
#include "kvm/log.h"

#include "kvm/bus.h"
#include "kvm/i8042.h"
#include "kvm/init.h"
#include "kvm/kvm.h"

#define I8042_DATA_PORT		0x60
#define I8042_STATUS_PORT	0x64
#define PORT_B_PORT		0x61
#define PORT_A_PORT		0x92

#define I8042_KBD_IRQ		1
#define I8042_AUX_IRQ		12

/* Status register */
#define STR_OBF			0x01
#define STR_SYS			0x04
#define STR_CMD			0x08	/* last write was to 0x64 */
#define STR_UNLOCKED		0x10
#define STR_AUXDATA		0x20

/* Controller configuration byte */
#define CTR_KBDINT		0x01
#define CTR_AUXINT		0x02
#define CTR_SYS			0x04
#define CTR_KBDDIS		0x10
#define CTR_AUXDIS		0x20
#define CTR_XLATE		0x40

/* Controller commands */
#define CMD_READ_CTR		0x20
#define CMD_WRITE_CTR		0x60
#define CMD_AUX_DISABLE		0xa7
#define CMD_AUX_ENABLE		0xa8
#define CMD_AUX_TEST		0xa9
#define CMD_SELF_TEST		0xaa
#define CMD_KBD_TEST		0xab
#define CMD_KBD_DISABLE		0xad
#define CMD_KBD_ENABLE		0xae
#define CMD_READ_OUTPUT		0xd0
#define CMD_WRITE_OUTPUT	0xd1
#define CMD_KBD_LOOP		0xd2
#define CMD_AUX_LOOP		0xd3
#define CMD_AUX_SEND		0xd4
#define CMD_PULSE_RESET		0xfe

/* Keyboard commands and replies */
#define KBD_ACK			0xfa
#define KBD_BAT_OK		0xaa
#define KBD_ECHO		0xee
#define KBD_CMD_SET_LEDS	0xed
#define KBD_CMD_ECHO		0xee
#define KBD_CMD_SCANCODE	0xf0
#define KBD_CMD_GET_ID		0xf2
#define KBD_CMD_SET_RATE	0xf3
#define KBD_CMD_RESET		0xff

#define OUTPUT_PORT_RESET	0x01	/* 0 resets the CPU */
#define PORT_A_FAST_RESET	0x01
#define PORT_B_REFRESH		0x10
#define PORT_B_WRITABLE		0x0f

#define I8042_QUEUE_SIZE	16

struct i8042 {
	struct kvm *kvm;
	struct mutex lock;

	u8 queue[I8042_QUEUE_SIZE];	/* bytes for the guest */
	bool queue_aux[I8042_QUEUE_SIZE];
	unsigned int head;
	unsigned int count;

	u8 status;
	u8 ctr;
	u8 output_port;
	u8 pending_cmd;		/* a controller command awaiting its data byte */
	u8 kbd_pending;		/* a keyboard command awaiting its parameter */
	u8 port_a;
	u8 port_b;
	bool registered;
};

static struct i8042 i8042 = {
	.lock = MUTEX_INITIALIZER,
};

static void i8042_update_irq(struct i8042 *s)
{
	bool aux;

	if (!s->count)
		return;
	aux = s->queue_aux[s->head];
	/* ISA lines are edge-triggered: pulse when a byte becomes visible. */
	if (aux && (s->ctr & CTR_AUXINT))
		kvm__irq_trigger(s->kvm, I8042_AUX_IRQ);
	else if (!aux && (s->ctr & CTR_KBDINT))
		kvm__irq_trigger(s->kvm, I8042_KBD_IRQ);
}

/* Queues a byte; @set_aux controls the AUXDATA bit reported with it. */
static void i8042_queue(struct i8042 *s, u8 v, bool aux)
{
	unsigned int tail;
	bool was_empty = !s->count;

	if (s->count == I8042_QUEUE_SIZE)
		return;
	tail = (s->head + s->count) % I8042_QUEUE_SIZE;
	s->queue[tail] = v;
	s->queue_aux[tail] = aux;
	s->count++;
	if (was_empty)
		i8042_update_irq(s);
}

static u8 i8042_read_data(struct i8042 *s)
{
	u8 v;

	if (!s->count)
		return 0;
	v = s->queue[s->head];
	s->head = (s->head + 1) % I8042_QUEUE_SIZE;
	s->count--;
	i8042_update_irq(s);
	return v;
}

static u8 i8042_read_status(struct i8042 *s)
{
	u8 v = s->status | STR_UNLOCKED;

	if (s->count) {
		v |= STR_OBF;
		if (s->queue_aux[s->head])
			v |= STR_AUXDATA;
	}
	if (s->ctr & CTR_SYS)
		v |= STR_SYS;
	return v;
}

static void i8042_reset_cpu(struct i8042 *s)
{
	pr_debug("guest reset through the i8042");
	kvm__request_exit(s->kvm, 0);
}

static void i8042_command(struct i8042 *s, u8 cmd)
{
	switch (cmd) {
	case CMD_READ_CTR:
		i8042_queue(s, s->ctr, false);
		break;
	case CMD_WRITE_CTR:
	case CMD_WRITE_OUTPUT:
	case CMD_KBD_LOOP:
	case CMD_AUX_LOOP:
	case CMD_AUX_SEND:
		s->pending_cmd = cmd;
		break;
	case CMD_AUX_DISABLE:
		s->ctr |= CTR_AUXDIS;
		break;
	case CMD_AUX_ENABLE:
		s->ctr &= ~CTR_AUXDIS;
		break;
	case CMD_AUX_TEST:
		i8042_queue(s, 0x01, false);	/* clock line stuck: no AUX */
		break;
	case CMD_SELF_TEST:
		i8042_queue(s, 0x55, false);
		break;
	case CMD_KBD_TEST:
		i8042_queue(s, 0x00, false);
		break;
	case CMD_KBD_DISABLE:
		s->ctr |= CTR_KBDDIS;
		break;
	case CMD_KBD_ENABLE:
		s->ctr &= ~CTR_KBDDIS;
		break;
	case CMD_READ_OUTPUT:
		i8042_queue(s, s->output_port, false);
		break;
	default:
		/* 0xf0-0xff pulse output lines; bit 0 low is the CPU reset. */
		if (cmd >= 0xf0 && !(cmd & 0x01))
			i8042_reset_cpu(s);
		break;
	}
}

/* A byte for the keyboard itself: every command is acknowledged. */
static void i8042_kbd_write(struct i8042 *s, u8 v)
{
	if (s->kbd_pending) {
		s->kbd_pending = 0;
		i8042_queue(s, KBD_ACK, false);
		return;
	}
	switch (v) {
	case KBD_CMD_ECHO:
		i8042_queue(s, KBD_ECHO, false);
		break;
	case KBD_CMD_RESET:
		i8042_queue(s, KBD_ACK, false);
		i8042_queue(s, KBD_BAT_OK, false);
		break;
	case KBD_CMD_GET_ID:
		i8042_queue(s, KBD_ACK, false);
		i8042_queue(s, 0xab, false);
		i8042_queue(s, 0x83, false);
		break;
	case KBD_CMD_SET_LEDS:
	case KBD_CMD_SCANCODE:
	case KBD_CMD_SET_RATE:
		s->kbd_pending = v;
		i8042_queue(s, KBD_ACK, false);
		break;
	default:
		i8042_queue(s, KBD_ACK, false);
		break;
	}
}

static void i8042_write_data(struct i8042 *s, u8 v)
{
	u8 cmd = s->pending_cmd;

	s->pending_cmd = 0;
	switch (cmd) {
	case CMD_WRITE_CTR:
		s->ctr = v;
		break;
	case CMD_WRITE_OUTPUT:
		s->output_port = v;
		if (!(v & OUTPUT_PORT_RESET))
			i8042_reset_cpu(s);
		break;
	case CMD_KBD_LOOP:
		i8042_queue(s, v, false);
		break;
	case CMD_AUX_LOOP:
		/* Without the AUXDATA bit: Linux sees no AUX port. */
		i8042_queue(s, v, false);
		break;
	case CMD_AUX_SEND:
		break;		/* no mouse to send to */
	default:
		i8042_kbd_write(s, v);
		break;
	}
}

static void i8042_io(struct kvm_cpu *vcpu, u64 addr, u8 *data, u32 len,
		     bool is_write, void *priv)
{
	struct i8042 *s = priv;

	mutex_lock(&s->lock);
	if (addr == I8042_DATA_PORT) {
		s->status &= ~STR_CMD;
		if (is_write)
			i8042_write_data(s, data[0]);
		else
			data[0] = i8042_read_data(s);
	} else if (is_write) {
		s->status |= STR_CMD;
		i8042_command(s, data[0]);
	} else {
		data[0] = i8042_read_status(s);
	}
	if (!is_write)
		memset(data + 1, 0xff, len - 1);
	mutex_unlock(&s->lock);
}

/* Port 0x61: the refresh bit toggles on each read, as delay loops expect. */
static void port_b_io(struct kvm_cpu *vcpu, u64 addr, u8 *data, u32 len,
		      bool is_write, void *priv)
{
	struct i8042 *s = priv;

	mutex_lock(&s->lock);
	if (is_write) {
		s->port_b = (s->port_b & ~PORT_B_WRITABLE) |
			    (data[0] & PORT_B_WRITABLE);
	} else {
		s->port_b ^= PORT_B_REFRESH;
		data[0] = s->port_b;
		memset(data + 1, 0xff, len - 1);
	}
	mutex_unlock(&s->lock);
}

static void port_a_io(struct kvm_cpu *vcpu, u64 addr, u8 *data, u32 len,
		      bool is_write, void *priv)
{
	struct i8042 *s = priv;
	bool reset = false;

	mutex_lock(&s->lock);
	if (is_write) {
		/* A reset happens on a 0 -> 1 transition of bit 0. */
		reset = !(s->port_a & PORT_A_FAST_RESET) &&
			(data[0] & PORT_A_FAST_RESET);
		s->port_a = data[0];
	} else {
		data[0] = s->port_a;
		memset(data + 1, 0xff, len - 1);
	}
	mutex_unlock(&s->lock);
	if (reset)
		i8042_reset_cpu(s);
}

static const struct {
	u16 port;
	bus_access_fn *fn;
} i8042_ports[] = {
	{ I8042_DATA_PORT,	i8042_io },
	{ I8042_STATUS_PORT,	i8042_io },
	{ PORT_B_PORT,		port_b_io },
	{ PORT_A_PORT,		port_a_io },
};

int i8042__init(struct kvm *kvm)
{
	struct i8042 *s = &i8042;
	unsigned int i;
	int ret;

	mutex_lock(&s->lock);
	s->kvm = kvm;
	s->head = 0;
	s->count = 0;
	s->status = 0;
	s->ctr = CTR_KBDINT | CTR_SYS | CTR_XLATE | CTR_AUXDIS;
	s->output_port = 0x03 | 0xc0;	/* no reset, A20 on, buffers empty */
	s->pending_cmd = 0;
	s->kbd_pending = 0;
	s->port_a = 0x02;		/* A20 on */
	s->port_b = 0;
	mutex_unlock(&s->lock);

	for (i = 0; i < ARRAY_SIZE(i8042_ports); i++) {
		ret = bus_register(kvm, BUS_PIO, i8042_ports[i].port, 1,
				   i8042_ports[i].fn, s);
		if (ret < 0) {
			error("i8042: port 0x%x: %s", i8042_ports[i].port,
			      strerror(-ret));
			while (i--)
				bus_unregister(kvm, BUS_PIO, i8042_ports[i].port);
			return ret;
		}
	}
	s->registered = true;
	return 0;
}
dev_init(i8042__init);

int i8042__exit(struct kvm *kvm)
{
	unsigned int i;

	if (!i8042.registered)
		return 0;
	for (i = 0; i < ARRAY_SIZE(i8042_ports); i++)
		bus_unregister(kvm, BUS_PIO, i8042_ports[i].port);
	i8042.registered = false;
	return 0;
}
dev_exit(i8042__exit);
