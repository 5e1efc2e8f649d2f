/**
 * Non-hotel services over OpenTravel: transport legs (OTA_GroundAvailRQ / OTA_GroundBookRQ) and insurance
 * plans (OTA_InsuranceQuoteRQ / OTA_InsuranceBookRQ), mapped to per-unit canonical products.
 */
import { GatewayError } from '../../core/errors';
import type { MessageHandler } from './handler';

const todo = (name: string): MessageHandler => async () => {
  throw new GatewayError('GW_BAD_INPUT', `${name} is not available yet on this hub`);
};

export const groundAvail = todo('OTA_GroundAvailRQ');
export const groundBook = todo('OTA_GroundBookRQ');
export const insuranceQuote = todo('OTA_InsuranceQuoteRQ');
export const insuranceBook = todo('OTA_InsuranceBookRQ');
