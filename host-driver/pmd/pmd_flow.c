/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pmd_flow.c - net_snic's rte_flow operations: the translation is
 * host-driver/flow (snic_flow.h); this file attaches it to the ports and
 * serialises the calls (one mutex per NIC, shared with the other control
 * commands of the NIC's command client).
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <rte_flow_driver.h>

#include "rte_pmd_snic.h"
#include "snic_pmd.h"

static int unavailable(struct snic_pmd_nic *nic, struct rte_flow_error *error);

int snic_pmd_flow_attach(struct snic_pmd_nic *nic)
{
	struct snic_flow_port ports[SNIC_PMD_MAX_PORTS];
	char err[256];
	int r;

	for (unsigned i = 0; i < nic->n_ports; i++) {
		struct snic_pmd_port *p = nic->ports[i]->data->dev_private;
		ports[i].port_id = nic->ports[i]->data->port_id;
		ports[i].vport = p->vport;
		ports[i].is_proxy = p->proxy;
	}
	r = snic_flow_ctx_create(&nic->flow, &nic->fwc, ports, nic->n_ports,
				 nic->flow_recover, err, sizeof(err));
	if (r) {
		/* the ports work without rte_flow; say why rules will fail */
		snprintf(nic->flow_err, sizeof(nic->flow_err), "%s", err);
		SNIC_PMD_LOG(WARNING, "%s: rte_flow unavailable: %s", nic->name, err);
		nic->flow = NULL;
		return 0;
	}
	if (snic_flow_flushed_at_attach(nic->flow))
		SNIC_PMD_LOG(NOTICE, "%s: removed %u flow rule(s) a previous driver "
			     "instance left in the NIC (flow_recover=flush)", nic->name,
			     snic_flow_flushed_at_attach(nic->flow));
	if (snic_flow_orphans(nic->flow))
		SNIC_PMD_LOG(NOTICE, "%s: adopted %u flow rule(s) a previous driver "
			     "instance left in the NIC; they keep forwarding until "
			     "re-created or flushed (flow_recover=adopt)", nic->name,
			     snic_flow_orphans(nic->flow));
	return 0;
}

void snic_pmd_flow_detach(struct snic_pmd_nic *nic)
{
	if (nic->flow && nic->flow_recover == SNIC_FLOW_RECOVER_ADOPT) {
		/* rules outlive this instance: the next one adopts them */
		struct snic_flow_usage u;

		snic_flow_get_usage(nic->flow, &u);
		SNIC_PMD_LOG(INFO, "%s: leaving %u flow rule(s) in the NIC for the "
			     "next driver instance (flow_recover=adopt)", nic->name,
			     u.flows);
		snic_flow_ctx_release(nic->flow);
	} else if (nic->flow) {
		snic_flow_ctx_destroy(nic->flow);
	}
	nic->flow = NULL;
}

static struct snic_pmd_nic *nic_of_port(uint16_t port_id)
{
	struct rte_eth_dev *dev;

	if (!rte_eth_dev_is_valid_port(port_id))
		return NULL;
	dev = &rte_eth_devices[port_id];
	if (!dev->device || !dev->device->driver ||
	    strcmp(dev->device->driver->name, RTE_STR(SNIC_PMD_DRIVER)))
		return NULL;
	return ((struct snic_pmd_port *)dev->data->dev_private)->nic;
}

int rte_pmd_snic_flow_orphans(uint16_t port_id)
{
	struct snic_pmd_nic *nic = nic_of_port(port_id);
	int n;

	if (!nic)
		return -ENODEV;
	if (!nic->flow)
		return -ENOTSUP;
	pthread_mutex_lock(&nic->lock);
	n = (int)snic_flow_orphans(nic->flow);
	pthread_mutex_unlock(&nic->lock);
	return n;
}

int rte_pmd_snic_flow_flush_orphans(uint16_t port_id, struct rte_flow_error *error)
{
	struct snic_pmd_nic *nic = nic_of_port(port_id);
	int r;

	if (!nic)
		return -rte_flow_error_set(error, ENODEV, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
					   NULL, "not a net_snic port");
	if (!nic->flow)
		return unavailable(nic, error);
	pthread_mutex_lock(&nic->lock);
	r = snic_flow_flush_orphans(nic->flow, error);
	pthread_mutex_unlock(&nic->lock);
	return r;
}

static struct snic_pmd_nic *nic_of(struct rte_eth_dev *dev)
{
	return ((struct snic_pmd_port *)dev->data->dev_private)->nic;
}

static int unavailable(struct snic_pmd_nic *nic, struct rte_flow_error *error)
{
	return -rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
				   NULL, nic->flow_err[0] ? nic->flow_err :
				   "rte_flow is not available on this NIC");
}

static int snic_flow_validate_op(struct rte_eth_dev *dev, const struct rte_flow_attr *attr,
				 const struct rte_flow_item pattern[],
				 const struct rte_flow_action actions[],
				 struct rte_flow_error *error)
{
	struct snic_pmd_nic *nic = nic_of(dev);
	int r;

	if (!nic->flow)
		return unavailable(nic, error);
	pthread_mutex_lock(&nic->lock);
	r = snic_flow_validate(nic->flow, dev->data->port_id, attr, pattern, actions, error);
	pthread_mutex_unlock(&nic->lock);
	return r;
}

static struct rte_flow *snic_flow_create_op(struct rte_eth_dev *dev,
					    const struct rte_flow_attr *attr,
					    const struct rte_flow_item pattern[],
					    const struct rte_flow_action actions[],
					    struct rte_flow_error *error)
{
	struct snic_pmd_nic *nic = nic_of(dev);
	struct snic_flow *f;

	if (!nic->flow) {
		unavailable(nic, error);
		return NULL;
	}
	pthread_mutex_lock(&nic->lock);
	f = snic_flow_create(nic->flow, dev->data->port_id, attr, pattern, actions, error);
	pthread_mutex_unlock(&nic->lock);
	return (struct rte_flow *)f;
}

static int snic_flow_destroy_op(struct rte_eth_dev *dev, struct rte_flow *flow,
				struct rte_flow_error *error)
{
	struct snic_pmd_nic *nic = nic_of(dev);
	int r;

	if (!nic->flow)
		return unavailable(nic, error);
	pthread_mutex_lock(&nic->lock);
	r = snic_flow_destroy(nic->flow, (struct snic_flow *)flow, error);
	pthread_mutex_unlock(&nic->lock);
	return r;
}

static int snic_flow_flush_op(struct rte_eth_dev *dev, struct rte_flow_error *error)
{
	struct snic_pmd_nic *nic = nic_of(dev);
	int r;

	if (!nic->flow)
		return unavailable(nic, error);
	pthread_mutex_lock(&nic->lock);
	r = snic_flow_flush(nic->flow, error);
	pthread_mutex_unlock(&nic->lock);
	return r;
}

static int snic_flow_query_op(struct rte_eth_dev *dev, struct rte_flow *flow,
			      const struct rte_flow_action *action, void *data,
			      struct rte_flow_error *error)
{
	struct snic_pmd_nic *nic = nic_of(dev);
	int r;

	if (!nic->flow)
		return unavailable(nic, error);
	pthread_mutex_lock(&nic->lock);
	r = snic_flow_query(nic->flow, (struct snic_flow *)flow, action, data, error);
	pthread_mutex_unlock(&nic->lock);
	return r;
}

static int snic_flow_proxy_op(struct rte_eth_dev *dev, uint16_t *proxy,
			      struct rte_flow_error *error)
{
	struct snic_pmd_nic *nic = nic_of(dev);

	if (!nic->flow)
		return unavailable(nic, error);
	return snic_flow_transfer_proxy(nic->flow, proxy);
}

static const struct rte_flow_ops snic_pmd_flow_ops = {
	.validate = snic_flow_validate_op,
	.create = snic_flow_create_op,
	.destroy = snic_flow_destroy_op,
	.flush = snic_flow_flush_op,
	.query = snic_flow_query_op,
	.pick_transfer_proxy = snic_flow_proxy_op,
};

int snic_pmd_flow_ops_get(struct rte_eth_dev *dev, const struct rte_flow_ops **ops)
{
	(void)dev;
	*ops = &snic_pmd_flow_ops;
	return 0;
}
