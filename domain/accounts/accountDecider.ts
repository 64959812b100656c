import { addCompany, type AddCompany } from './addCompany.js';
import { closeAccount, type CloseAccount } from './closeAccount.js';
import { erasePersonalData, type ErasePersonalData } from './erasePersonalData.js';
import { streamCodec } from '../shared/streamCodec.js';
import type { Decider } from '../shared/decider.js';
import type { AccountEvent } from './accountEvents.js';
import { evolveAccount, initialAccountState, type AccountState } from './account.js';
import {
  rejectCompanyDetailsChange,
  requestCompanyDetailsChange,
  validateCompanyDetailsChange,
  type RejectCompanyDetailsChange,
  type RequestCompanyDetailsChange,
  type ValidateCompanyDetailsChange,
} from './changeCompanyDetails.js';
import { createStaffAccount, type CreateStaffAccount } from './createStaffAccount.js';
import {
  approveRegistration,
  rejectRegistration,
  type ApproveRegistration,
  type RejectRegistration,
} from './decideRegistration.js';
import {
  inviteCompany,
  setFirstPassword,
  type InviteCompany,
  type SetFirstPassword,
} from './inviteCompany.js';
import {
  changeMemberRole,
  createMemberAccount,
  formOrganisation,
  inviteMember,
  joinOrganisation,
  removeMember,
  withdrawInvitation,
  type MemberCommand,
} from './manageMembers.js';
import { registerReferent, type RegisterReferent } from './registerReferent.js';
import {
  requestPasswordReset,
  resetPassword,
  type RequestPasswordReset,
  type ResetPassword,
} from './resetPassword.js';
import {
  confirmEmailChange,
  updateProfile,
  type ConfirmEmailChange,
  type UpdateProfile,
} from './updateProfile.js';
import {
  resendEmailOtp,
  verifyEmail,
  type ResendEmailOtp,
  type VerifyEmail,
} from './verifyEmail.js';

export type AccountCommand =
  | RegisterReferent
  | CreateStaffAccount
  | VerifyEmail
  | ResendEmailOtp
  | ApproveRegistration
  | RejectRegistration
  | RequestPasswordReset
  | ResetPassword
  | UpdateProfile
  | ConfirmEmailChange
  | InviteCompany
  | SetFirstPassword
  | RequestCompanyDetailsChange
  | AddCompany
  | ValidateCompanyDetailsChange
  | RejectCompanyDetailsChange
  | CloseAccount
  | ErasePersonalData
  | MemberCommand;

export const accountStream = streamCodec<[accountId: string], AccountEvent>(
  'account-',
  (accountId) => accountId,
);

export const accountDecider: Decider<AccountState, AccountCommand, AccountEvent> = {
  initialState: initialAccountState,
  evolve: evolveAccount,
  decide(command, state) {
    switch (command.type) {
      case 'RegisterReferent':
        return registerReferent(command, state);
      case 'CreateStaffAccount':
        return createStaffAccount(command, state);
      case 'VerifyEmail':
        return verifyEmail(command, state);
      case 'ResendEmailOtp':
        return resendEmailOtp(command, state);
      case 'ApproveRegistration':
        return approveRegistration(command, state);
      case 'RejectRegistration':
        return rejectRegistration(command, state);
      case 'RequestPasswordReset':
        return requestPasswordReset(command, state);
      case 'ResetPassword':
        return resetPassword(command, state);
      case 'UpdateProfile':
        return updateProfile(command, state);
      case 'ConfirmEmailChange':
        return confirmEmailChange(command, state);
      case 'InviteCompany':
        return inviteCompany(command, state);
      case 'SetFirstPassword':
        return setFirstPassword(command, state);
      case 'InviteMember':
        return inviteMember(command, state);
      case 'WithdrawInvitation':
        return withdrawInvitation(command, state);
      case 'JoinOrganisation':
        return joinOrganisation(command, state);
      case 'ChangeMemberRole':
        return changeMemberRole(command, state);
      case 'RemoveMember':
        return removeMember(command, state);
      case 'FormOrganisation':
        return formOrganisation(command, state);
      case 'CreateMemberAccount':
        return createMemberAccount(command, state);
      case 'RequestCompanyDetailsChange':
        return requestCompanyDetailsChange(command, state);
      case 'AddCompany':
        return addCompany(command, state);
      case 'ValidateCompanyDetailsChange':
        return validateCompanyDetailsChange(command, state);
      case 'RejectCompanyDetailsChange':
        return rejectCompanyDetailsChange(command, state);
      case 'CloseAccount':
        return closeAccount(command, state);
      case 'ErasePersonalData':
        return erasePersonalData(command, state);
    }
  },
};
