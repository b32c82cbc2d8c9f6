/** Office hours: parse the posted schedule, answer "open now?" and say when admissions will reply. */
export {
  WEEKDAYS,
  ScheduleError,
  parseSchedule,
  parseHolidays,
  createOfficeHours,
  type Weekday,
  type ScheduleSegment,
  type OfficeHours,
} from './schedule';
export { isOpen, nextOpening, currentClosing, earliestOpenAt } from './office-clock';
export { addOfficeTime, officeTimeBetween } from './office-time';
export {
  hoursLabel,
  bannerHoursLabel,
  genericZoneName,
  zoneAbbreviation,
  formatOfficeTime,
  officeClockTime,
  officeDayLabel,
  officeDate,
  officeDayBounds,
  bannerStatus,
  replyExpectation,
  type BannerStatus,
} from './office-labels';
export { officeStatus, type OfficeStatus } from './office-status';
export { createOfficeState, type OfficeState } from './office-state';
export { createOfficeBanner, type OfficeBanner } from './office-banner';
export { callSlots, findCallSlot, type CallSlot, type SlotRules } from './call-slots';
