/**
 * Code tables of the EDIFACT translators, loaded from mappings/edifact/codes (data, not code) and frozen.
 * Each table says where its codes come from in its `_about` field.
 */
import documentTypes from '../../../mappings/edifact/codes/document-types.json';
import gender from '../../../mappings/edifact/codes/gender.json';
import travellerTypes from '../../../mappings/edifact/codes/traveller-types.json';
import nameTitles from '../../../mappings/edifact/codes/name-titles.json';
import partyFunctions from '../../../mappings/edifact/codes/party-functions.json';
import paxlst from '../../../mappings/edifact/codes/paxlst.json';
import bookingStatus from '../../../mappings/edifact/codes/booking-status.json';
import productKinds from '../../../mappings/edifact/codes/product-kinds.json';
import reservationActions from '../../../mappings/edifact/codes/reservation-actions.json';
import eri from '../../../mappings/edifact/codes/errors-eri.json';
import type { BookingStatus, Gender, ServiceKind, Traveller } from '../../../core/model';

function freeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) freeze(v);
    Object.freeze(o);
  }
  return o;
}

type Dict<V = string> = Readonly<Record<string, V>>;

export type ReservationAction = 'sell' | 'hold' | 'confirm' | 'cancel' | 'modify';

/** All translator code tables. */
export const CODES = freeze({
  documentTypeIn: documentTypes.in as Dict,
  documentTypeOut: documentTypes.out as Dict,
  genderIn: gender.in as Dict<Gender>,
  genderOut: gender.out as Dict,
  travellerTypeIn: travellerTypes.in as Dict<NonNullable<Traveller['type']>>,
  travellerTypeOut: travellerTypes.out as Dict,
  nameTitles: new Set(nameTitles.titles),
  party: partyFunctions,
  paxlst,
  segmentStatuses: new Set(bookingStatus.in),
  bookingStatusOut: bookingStatus.out as Dict & Record<BookingStatus, string>,
  productKindIn: productKinds.in as Dict<ServiceKind>,
  productKindOut: productKinds.out as Dict & Record<ServiceKind, string>,
  actionIn: reservationActions.in as Dict<ReservationAction>,
  actionOut: reservationActions.out as Dict & Record<ReservationAction, string>,
  hubCompany: reservationActions.hubCompany,
  eri,
});
